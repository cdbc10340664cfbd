"""Case work's tables take the app's name (``cases_task`` -> ``casework_task``, …), and its
content types follow, so that permissions and admin history stay attached to them.

Renaming keeps every row, its id and every foreign key: PostgreSQL's constraints name the
table by its identity, and SQLite (3.26 and later) rewrites the references of the other
tables. Nothing is re-encrypted: a ciphertext's associated data is its header only
(``lindungi.core.crypto``), and the column label (``cases.casenote.body``, now
``casework.casenote.body``) only names the column in error messages, so the values stored
under the cases app read the same under case work. Old audit rows keep the object type
they were written with (``cases.task``): the trail is hash-chained and never rewritten.
"""

from django.db import migrations

MOVED = [
    "approval",
    "assessment",
    "casenote",
    "closure",
    "plannedservice",
    "policereport",
    "sanctiontrack",
    "serviceplan",
    "task",
]


def _move_content_types(old, new):
    """Give the content types of the moved models the app label ``new``. A row already made
    for ``new`` (a migrate stopped between the two steps makes them) gives way to the old
    one, which the permissions and the admin history point to."""

    def move(apps, schema_editor):
        content_types = apps.get_model("contenttypes", "ContentType").objects.using(
            schema_editor.connection.alias
        )
        existing = content_types.filter(app_label=old, model__in=MOVED).values_list(
            "model", flat=True
        )
        content_types.filter(app_label=new, model__in=list(existing)).delete()
        content_types.filter(app_label=old, model__in=MOVED).update(app_label=new)

    return move


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0001_initial"),
        ("cases", "0010_move_casework"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        *(migrations.AlterModelTable(name=name, table=None) for name in MOVED),
        migrations.RunPython(
            _move_content_types("cases", "casework"), _move_content_types("casework", "cases")
        ),
    ]
