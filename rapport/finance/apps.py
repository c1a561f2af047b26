from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "rapport.finance"
    label = "finance"
    verbose_name = "Finance"
