"""Fill boards' new `Item.tracked_minutes` from the entries already logged.

From here on the services keep it; this sets it once, in the database: one UPDATE from the
entries grouped per item on PostgreSQL, a correlated sum elsewhere (SQLite).
"""

from django.db import migrations


def backfill(apps, schema_editor):
    items = apps.get_model("boards", "Item")._meta.db_table
    entries = apps.get_model("timetracking", "TimeEntry")._meta.db_table
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        fill = f"""
            UPDATE {items} AS i SET tracked_minutes = t.minutes
            FROM (SELECT item_id, SUM(duration_minutes) AS minutes FROM {entries}
                  WHERE item_id IS NOT NULL GROUP BY item_id) AS t
            WHERE i.id = t.item_id AND i.tracked_minutes <> t.minutes
        """  # noqa: S608 - table names from model metadata
    else:
        fill = f"""
            UPDATE {items} SET tracked_minutes = (
                SELECT SUM(e.duration_minutes) FROM {entries} e WHERE e.item_id = {items}.id
            )
            WHERE id IN (SELECT item_id FROM {entries} WHERE item_id IS NOT NULL)
        """  # noqa: S608
    clear = f"""
        UPDATE {items} SET tracked_minutes = 0
        WHERE tracked_minutes <> 0
          AND NOT EXISTS (SELECT 1 FROM {entries} e WHERE e.item_id = {items}.id)
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(fill)
        cursor.execute(clear)


class Migration(migrations.Migration):

    dependencies = [
        ("boards", "0006_board_read_only_item_tracked_minutes"),
        ("timetracking", "0002_entry_item_minutes_idx"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
