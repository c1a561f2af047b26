from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CreatorsConfig(AppConfig):
    name = "rapport.creators"
    label = "creators"
    verbose_name = "Creators"

    def ready(self) -> None:
        from rapport.creators.search import on_post_migrate

        # SQLite loses a table's triggers when a migration rebuilds it: put the search ones back.
        post_migrate.connect(on_post_migrate, sender=self)
