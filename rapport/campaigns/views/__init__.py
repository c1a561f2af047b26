"""Pages of campaigns, one module per part of the work; each is thin and calls the services."""
