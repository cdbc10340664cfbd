"""The case timeline in words: each stored CaseEvent as the line the case page shows.

A line is the kind's label, what it is about (a service, a closure or restriction reason,
an assessment, a person), the labels of the fields that changed where that says something,
and for a break-glass use the reason the supervisor gave. Every word comes from the kind,
a vocabulary or a field's verbose name, in the reader's language: the stored event holds
codes and ids only.
"""

from django.core.exceptions import FieldDoesNotExist
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst

from lindungi.cases.attachments import type_label
from lindungi.cases.first_account import CaseContact
from lindungi.cases.models import (
    Attachment,
    BreakGlass,
    Case,
    Client,
    Incident,
    Perpetrator,
    RestrictionReason,
)
from lindungi.cases.timeline import EventKind

# Entries that list the fields changed (or filled in), and the model that names them.
# Others say all in their label (a note added, a task done). Case work adds its own
# (``add_kinds``).
FIELDS_OF = {
    EventKind.UPDATED: Case,
    EventKind.CLIENT_ADDED: Client,
    EventKind.CLIENT_UPDATED: Client,
    EventKind.INCIDENT_ADDED: Incident,
    EventKind.INCIDENT_UPDATED: Incident,
    EventKind.PERPETRATOR_ADDED: Perpetrator,
    EventKind.PERPETRATOR_UPDATED: Perpetrator,
    EventKind.CONTACT_UPDATED: CaseContact,
}

# Entries about something named by a code: the detail key that holds it, and its list.
ABOUT = {
    EventKind.RESTRICTED: ("reason", RestrictionReason),
}

LABELS = dict(EventKind.choices)


def add_kinds(fields_of, about):
    """Entries about records of an app above cases (case work's services, sanction tracks,
    closures, assessments), handed down when it is ready so that cases never names it."""
    FIELDS_OF.update(fields_of)
    ABOUT.update(about)


def field_labels(model, names):
    """The fields' names in the reader's language, in the order the record lists them."""
    order = {field.name: i for i, field in enumerate(model._meta.get_fields())}
    labels = []
    for name in sorted(names or [], key=lambda name: order.get(name, len(order))):
        try:
            labels.append(capfirst(model._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:  # a field renamed since: show its stored name
            labels.append(name)
    return labels


def describe(events, people):
    """Set ``label``, ``about``, ``fields``, ``subject`` and ``reason`` on each event.

    ``people`` maps user ids to users (the subject of an assignment). The break-glass
    grants and removed attachments named by the events are read in one query each, only
    when there are any.
    """
    reasons = {
        **_reasons(events, "break_glass", BreakGlass, "reason"),
        # A removal's reason stays on the attachment's row, encrypted: it may name people.
        **_reasons(events, "attachment", Attachment, "removal_reason"),
    }
    for event in events:
        detail = event.detail if isinstance(event.detail, dict) else {}
        event.label = LABELS.get(event.kind, event.kind)
        model = FIELDS_OF.get(event.kind)
        event.fields = field_labels(model, detail.get("fields")) if model else []
        key, vocabulary = ABOUT.get(event.kind, (None, None))
        code = detail.get(key) if key else None
        event.about = dict(vocabulary.choices).get(code, code) if code else ""
        event.subject = people.get(detail.get("user")) if detail.get("user") else None
        event.reason = ""
        if event.kind == EventKind.BREAK_GLASS_USED:
            event.reason = reasons.get(detail.get("break_glass"), "")
        if event.kind == EventKind.ATTACHMENT_REMOVED:
            # The file's kind and size, never its name (it may name the survivor).
            event.fields = [
                type_label(detail.get("content_type", "")),
                filesizeformat(detail.get("size") or 0),
            ]
            event.reason = reasons.get(detail.get("attachment"), "")
    return events


def _reasons(events, key, model, field):
    """The reason text of the records the events name under ``key``, by id, in one query
    and only when an event names one."""
    ids = {e.detail.get(key) for e in events if isinstance(e.detail, dict)} - {None}
    if not ids:
        return {}
    return {str(pk): text for pk, text in model.objects.filter(pk__in=ids).values_list("pk", field)}
