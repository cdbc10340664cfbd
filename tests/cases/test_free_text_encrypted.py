"""The free text of every record holding survivor data is encrypted at rest (issue 11): a
canary written into each free-text column is nowhere in its row as the database holds it,
and the migration that encrypted the columns that used to be plain converts what was
stored, both ways."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, models
from django.test import override_settings

from lindungi.cases import actions
from lindungi.cases.survivor_data import case_bound_models, free_text_columns
from lindungi.casework import actions as work
from lindungi.casework.forms.notes import SanctionForm
from lindungi.core import column_encryption, crypto
from lindungi.core.rotation import raw_column
from lindungi.intake.models import Report, ReportPerson
from tests.browser.marks import commits
from tests.cases.factories import make_case
from tests.cases.timeline_fixtures import case_with_every_event
from tests.core.encryption_app.support import NEW_KEY
from tests.migrations import migrate, models_at

# The columns that were plain before issue 11, and the migrations that encrypted them
# (cases.0009 for the case work's two, since moved to their own app).
CONVERTED = {
    "cases.BreakGlass": ["reason", "review_note"],
    "cases.Client": ["occupation"],
    "cases.FirstAccount": ["occurred_estimate", "reporter_relation", "risk_override_reason"],
    "cases.Perpetrator": ["employing_agency", "occupation"],
    "casework.PlannedService": ["provider_name"],
    "casework.SanctionTrack": ["agency", "notified_how"],
    "intake.Report": [
        "closed_reason",
        "occurred_estimate",
        "referred_to",
        "reporter_relation",
        "risk_override_reason",
    ],
}
BEFORE = [
    ("cases", "0008_first_account_contact_consent"),
    ("intake", "0004_structured_safe_contact"),
]
# Case work's models were the cases app's then (``cases.0010_move_casework``).
APP_THEN = {"casework": "cases"}


def table_then(old_models, model):
    """``model``'s table in the historical models ``old_models``."""
    app = APP_THEN.get(model._meta.app_label, model._meta.app_label)
    return old_models.get_model(app, model.__name__)._meta.db_table


def canary(model, field):
    # Distinct per column, so a failure names the column; no separators a codec might alter.
    return f"Kenari{model.__name__}{field.name.replace('_', '')}"


def raw_row(model, pk, table=None):
    """The row as the database holds it: SQL through the cursor, no model field involved.
    ``table``: the one it had at an earlier migration, if not the model's."""
    quote = connection.ops.quote_name
    table, key = quote(table or model._meta.db_table), quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT * FROM {table} WHERE {key} = %s",  # noqa: S608 - names from the models
            [model._meta.pk.get_db_prep_value(pk, connection)],
        )
        row = cursor.fetchone()
    assert row is not None
    return [str(value).lower() for value in row]


def one_row_of_every_record(personas):
    """A case worked through every step, and the intake records a case does not make."""
    case = case_with_every_event(personas)
    report = case.reports.get()
    ReportPerson.objects.create(report=report, name="Siti Aminah")
    return case


def write_canaries(columns):
    """A canary in every column of ``{model: [field, ...]}``, in the first row of each
    model; returns {model: (pk, {field name: canary})}."""
    written = {}
    for model, fields in columns.items():
        rows = models.QuerySet(model).order_by("pk")
        pk = rows.values_list("pk", flat=True).first()
        assert pk is not None, f"{model._meta.label} has no row: add one to one_row_of_every_record"
        values = {field.name: canary(model, field) for field in fields}
        # A plain QuerySet: searchable models refuse update() on searchable fields.
        rows.filter(pk=pk).update(**values)
        written[model] = (pk, values)
    return written


def assert_encrypted(written):
    for model, (pk, values) in written.items():
        row = raw_row(model, pk)
        assert str(pk).replace("-", "") in {value.replace("-", "") for value in row}
        for name, value in values.items():
            assert not any(value.lower() in stored for stored in row), (
                f"{model._meta.label}.{name} is stored in plain text"
            )
        assert models.QuerySet(model).filter(pk=pk).values(*values).get() == values


def every_free_text_column():
    return {
        model: free_text_columns(model) for model in case_bound_models() if free_text_columns(model)
    }


def test_a_canary_in_every_free_text_column_is_not_in_its_raw_row(personas):
    one_row_of_every_record(personas)
    assert_encrypted(write_canaries(every_free_text_column()))


def test_the_columns_converted_by_the_migration_are_free_text_columns(db):
    columns = {
        model._meta.label: {field.name for field in fields}
        for model, fields in every_free_text_column().items()
    }
    for label, names in CONVERTED.items():
        assert set(names) <= columns[label]


@commits
def test_the_migration_encrypts_what_was_stored_plain_and_decrypts_it_when_reversed(personas):
    one_row_of_every_record(personas)
    columns = {
        model: [model._meta.get_field(name) for name in CONVERTED[model._meta.label]]
        for model in case_bound_models()
        if model._meta.label in CONVERTED
    }
    written = write_canaries(columns)
    # One more report, so that a column is converted on more than one row, empty included.
    Report.objects.create(channel="phone", referred_to="LBH APIK", closed_reason="")
    try:
        migrate(BEFORE)
        old_models = models_at(BEFORE)
        # Reversed: every canary is back in plain text, in its own column.
        for model, (pk, values) in written.items():
            row = raw_row(model, pk, table_then(old_models, model))
            for value in values.values():
                assert value.lower() in row
        with connection.cursor() as cursor:
            cursor.execute("SELECT referred_to, closed_reason FROM intake_report")
            assert ("LBH APIK", "") in cursor.fetchall()
    finally:
        migrate(None)
    assert_encrypted(written)
    assert Report.objects.filter(channel="phone").values_list(
        "referred_to", "closed_reason"
    ).get() == ("LBH APIK", "")


@pytest.mark.parametrize("kind", ["legacy", "ciphertext"])
def test_converting_twice_changes_nothing(kind):
    text = "Kakak ipar" if kind == "legacy" else crypto.encrypt("Kakak ipar")
    once = column_encryption._encrypted(text, None) or text
    assert column_encryption._encrypted(once, None) is None
    assert crypto.decrypt(once) == "Kakak ipar"


def test_the_length_limits_still_hold_on_the_encrypted_columns(personas):
    """The columns are ``text`` now (ciphertext is longer): the limits are the model's and
    the forms', on the plain value, and an action refuses an over-long one."""
    case = make_case(personas, restricted=True)
    worker = personas.case_worker_a
    track = case.sanctions.get()
    assert SanctionForm.base_fields["agency"].max_length == 200
    with pytest.raises(ValidationError) as refused:
        work.update_sanction(worker, track, track.version, {"agency": "x" * 201})
    assert "agency" in refused.value.message_dict
    client = case.clients.get()
    with pytest.raises(ValidationError) as refused:
        actions.update_client(worker, client, client.version, {"occupation": "x" * 101})
    assert "occupation" in refused.value.message_dict


def test_rotate_keys_reencrypts_every_free_text_column(personas, settings):
    one_row_of_every_record(personas)
    written = write_canaries(every_free_text_column())
    with override_settings(FIELD_KEYS=[NEW_KEY, settings.FIELD_KEYS[0]]):
        call_command("rotate-keys", stdout=StringIO())
    with override_settings(FIELD_KEYS=[NEW_KEY]):
        for model, (pk, values) in written.items():
            rows = models.QuerySet(model).filter(pk=pk)
            for name in values:
                raw = rows.annotate(raw=raw_column(model._meta.get_field(name)))
                assert crypto.is_current(raw.values_list("raw", flat=True).get())
            assert rows.values(*values).get() == values
