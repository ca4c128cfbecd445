"""A GIN index on Item.values, on PostgreSQL only.

Custom-column filters (`values.<key>=x`) use JSONB containment there, which this index serves.
SQLite has no GIN, so the operation does nothing on it; the index is not in the model state, so
`makemigrations --check` stays quiet on both databases.
"""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS item_values_gin_idx "
            "ON boards_item USING gin (\"values\" jsonb_path_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS item_values_gin_idx")


class Migration(migrations.Migration):
    dependencies = [("boards", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
