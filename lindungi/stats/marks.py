"""Marking the cases whose counts may have moved, in the transaction of the change.

Every write to what the counts read goes through an action, and every action writes the
case's timeline (``CaseEvent``) beside its change; some change a row with ``update()``,
which sends no signal, so the timeline entry is what marks those. Records saved or deleted
directly (a retention purge) mark their case themselves, and so does a consent to
statistics recorded or withdrawn; one that runs out is found by date
(``mark_expired_consents``). The worker recounts the marked
cases (``rollup.apply_pending``).
"""

from django.db.models.signals import post_delete, post_save

from lindungi.cases.models import (
    Case,
    CaseEvent,
    Client,
    Consent,
    ConsentPurpose,
    Incident,
    Perpetrator,
)
from lindungi.casework.models import PlannedService
from lindungi.stats.models import PendingCase


def mark(case_id):
    if case_id is not None:
        PendingCase.objects.create(case_id=case_id)


def _case_of(instance):
    if isinstance(instance, Case):
        return instance.pk
    if isinstance(instance, Perpetrator):
        incident = Incident.objects.filter(pk=instance.incident_id).values("case_id").first()
        return incident["case_id"] if incident else None
    return instance.case_id


def _changed(sender, instance, raw=False, **kwargs):
    if not raw:
        mark(_case_of(instance))


MARKED = (Case, Client, Incident, Perpetrator, PlannedService, CaseEvent, Consent)


def mark_expired_consents(since, today):
    """A consent to statistics that ran out ends without a write: its cases are marked on
    the first run of the day after its last day."""
    ended = Consent.objects.filter(
        purpose=ConsentPurpose.STATISTICS, valid_until__gte=since, valid_until__lt=today
    )
    for case_id in ended.values_list("case_id", flat=True).distinct():
        mark(case_id)


def connect():
    for model in MARKED:
        uid = f"stats.mark.{model._meta.label}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + ".delete")
