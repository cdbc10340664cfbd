"""Which records hold survivor data, and which of their text columns may stay plain.

A record is case-bound when it names a case or a report, directly or through another
case-bound record (a perpetrator through his incident, a notification through its case),
or declares ``CASE_PATH``. Every free-text column of such a record is encrypted
(docs/architecture.md, rule 3): whatever a person types may name someone. The only text
columns left plain are the ones below, none of which holds words a person typed;
``tests/core/test_survivor_columns.py`` fails on any other.
"""

from django.apps import apps
from django.db import models

from lindungi.core.fields import EncryptedMixin

# Where case-bound data starts: every record that points at one of these, or at a record
# that does, is case-bound too.
ROOTS = ("cases.Case", "intake.Report")

# Plain text columns of case-bound records that are not free text. A column with
# ``choices`` needs no entry: it can only hold one of its codes.
PLAIN_COLUMNS = {
    # Random codes, drawn by the system: they identify a record, not a person.
    "cases.Case.survivor_code": "random code shown instead of the name",
    "intake.Report.reference": "random reference the reporter quotes",
    "cases.FirstAccount.reference": "copy of the report's reference",
    "response.Dispatch.survivor_code": "copy of the case's survivor code",
    # Codes of a vocabulary, written by code from a fixed list (no choices= because the
    # list lives in code or is copied from a field that has them).
    "cases.FirstAccount.channel": "copy of the report's channel code",
    "cases.FirstAccount.reporter_type": "copy of the report's reporter type code",
    "cases.FirstAccount.risk": "copy of the report's risk level code",
    "cases.FirstAccount.risk_computed": "copy of the report's computed risk level code",
    "cases.Incident.gbv_type": "GBVIMS type computed from the answers",
    "cases.Incident.reporting_delay": "delay bracket computed from two dates",
    "casework.Assessment.level": "risk level computed from the checklist",
    "casework.Assessment.override_level": "risk level chosen from high, medium, low",
    "cases.CaseEvent.kind": "timeline entry kind, checked against EventKind on write",
    "notifications.OverdueAlert.kind": "deadline kind code",
    "notifications.OverdueAlert.object_id": "id of the overdue record",
    # What the system measured or drew, not what anybody typed.
    "cases.Attachment.content_type": "MIME type found by inspecting the file's content",
    "cases.Attachment.storage_name": "random file name on disk",
    "cases.Attachment.sha256": "hash of the stored file",
    # Hashes: one-way, and keyed where the input is guessable.
    "intake.Report.pin_hash": "password hash of the status PIN",
}


def case_bound_models():
    """Every installed model that holds survivor data, in a stable order."""
    found = {apps.get_model(label) for label in ROOTS}
    found |= {model for model in apps.get_models() if hasattr(model, "CASE_PATH")}
    grew = True
    while grew:
        grew = False
        for model in apps.get_models():
            if model not in found and any(
                field.is_relation and field.related_model in found
                for field in model._meta.concrete_fields
            ):
                found.add(model)
                grew = True
    return sorted(found, key=lambda model: model._meta.label)


def column_label(model, field):
    return f"{model._meta.label}.{field.name}"


def free_text_columns(model):
    """The text fields of ``model`` that may hold what a person typed: every one but the
    coded (``choices``) and the allowed plain ones. Encrypted, if all is well."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and column_label(model, field) not in PLAIN_COLUMNS
    ]


def plain_free_text(model):
    """The free-text columns of ``model`` that are not encrypted: there should be none."""
    return [
        column_label(model, field)
        for field in free_text_columns(model)
        if not isinstance(field, EncryptedMixin)
    ]
