"""Free-text search on SQLite: an FTS5 trigram table kept in step by triggers."""

from django.db import migrations


def install(apps, schema_editor):
    from rapport.creators.search import install_sqlite_search

    install_sqlite_search(schema_editor.connection)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from rapport.creators.search import FTS_TABLE

    for suffix in ("_ai", "_ad", "_au"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {FTS_TABLE}{suffix}")
    schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


class Migration(migrations.Migration):
    dependencies = [("creators", "0004_live_list_indexes")]

    operations = [migrations.RunPython(install, uninstall)]
