from django.apps import AppConfig


class CreatorsConfig(AppConfig):
    name = "rapport.creators"
    label = "creators"
    verbose_name = "Creators"
