"""A GIN full-text index over an item's name and description, on PostgreSQL only.

The expression is the one `boards.selectors.text_search` filters with, so the planner uses it.
SQLite has no full-text index here; search there falls back to substring matching.
"""

from django.db import migrations

# The same text as boards.selectors.text_search.ITEM_TSVECTOR (a test checks they agree).
ITEM_TSVECTOR = (
    "to_tsvector('simple'::regconfig, COALESCE(name, '') || ' ' || COALESCE(description, ''))"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS item_text_search_idx ON boards_item "
            f"USING gin (({ITEM_TSVECTOR}))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS item_text_search_idx")


class Migration(migrations.Migration):
    dependencies = [("boards", "0003_item_order_indexes")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
