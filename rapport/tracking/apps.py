from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "rapport.tracking"
    label = "tracking"
    verbose_name = "Tracking"
