from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "rapport.hub"
    label = "hub"
    verbose_name = "Creator hub"
