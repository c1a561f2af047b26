"""Forms of the campaign pages, one module per part of the work."""
