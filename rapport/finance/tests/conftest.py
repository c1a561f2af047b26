from rapport.finance.tests.invoice_fixtures import collaboration, finance

__all__ = ["collaboration", "finance"]
