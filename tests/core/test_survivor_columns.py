"""Every free-text column of a record holding survivor data is encrypted, and the README's
table of encrypted columns is the list of encrypted fields (issue 11)."""

import re
from pathlib import Path

from django.apps import apps
from django.db import models

from lindungi.cases.survivor_data import (
    PLAIN_COLUMNS,
    case_bound_models,
    column_label,
    plain_free_text,
)
from lindungi.core.fields import EncryptedMixin
from lindungi.core.rotation import encrypted_models

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_case_bound_records_include_every_record_about_a_survivor():
    labels = {model._meta.label for model in case_bound_models()}
    # Roots, models that declare CASE_PATH, and records reached through either.
    assert {
        "cases.Case",
        "cases.BreakGlass",
        "cases.Client",
        "cases.Perpetrator",
        "casework.SanctionTrack",
        "cases.FirstAccount",
        "intake.Report",
        "intake.ReportPerson",
        "notifications.Notification",
    } <= labels
    # Not the people who work the cases, nor the places.
    assert not labels & {"accounts.User", "accounts.Unit", "places.Region"}


def test_no_case_bound_record_has_a_plain_free_text_column():
    plain = [label for model in case_bound_models() for label in plain_free_text(model)]
    assert plain == [], (
        "free text in plain columns: make them EncryptedCharField/EncryptedTextField with a "
        "migration (lindungi.core.column_encryption), or, if they hold no words a person "
        "typed, add them with a reason to PLAIN_COLUMNS in lindungi/cases/survivor_data.py"
    )


def test_the_check_sees_a_new_plain_text_column():
    class Sighting(models.Model):  # noqa: DJ008 - never shown
        CASE_PATH = "case"

        case = models.ForeignKey("cases.Case", on_delete=models.CASCADE)
        where = models.CharField(max_length=100)
        kind = models.CharField(max_length=8, choices=[("a", "A")])
        said = models.TextField()

        class Meta:
            app_label = "cases"

    try:
        assert Sighting in case_bound_models()
        assert plain_free_text(Sighting) == ["cases.Sighting.where", "cases.Sighting.said"]
    finally:
        del apps.all_models["cases"]["sighting"]
        apps.clear_cache()


def test_every_allowed_plain_column_exists_is_plain_and_has_no_choices():
    fields = {
        column_label(model, field): field
        for model in case_bound_models()
        for field in model._meta.concrete_fields
    }
    for label in PLAIN_COLUMNS:
        field = fields.get(label)
        assert field is not None, f"{label}: no such column of a case-bound record"
        assert not isinstance(field, EncryptedMixin) and not field.choices, (
            f"{label}: encrypted or coded now, so it needs no entry in PLAIN_COLUMNS"
        )


def _readme_table():
    rows = re.findall(r"^\| `(\w+\.\w+)` \| `(\w+)` \| [^|]+ \|$", README.read_text(), re.M)
    return rows


def test_the_readme_lists_exactly_the_encrypted_columns():
    listed = _readme_table()
    assert len(listed) == len(set(listed)), "a column is listed twice"
    project = [
        (model._meta.label, field.name)
        for model, fields in encrypted_models()
        if model.__module__.startswith("lindungi.")
        for field in fields
    ]
    assert sorted(listed) == sorted(project)
