"""Everything the case page shows of a case, in a fixed number of queries."""

import uuid
from dataclasses import dataclass
from datetime import date
from operator import attrgetter, itemgetter

from django.db.models import OuterRef, UUIDField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindungi.accounts.models import User
from lindungi.cases import case_page, classification
from lindungi.cases.models import (
    Assignment,
    Case,
    CaseEvent,
    Client,
    ClientRole,
    Incident,
    Perpetrator,
)
from lindungi.cases.timeline_lines import describe
from lindungi.cases.vocabulary import (
    WG_DOMAINS,
    Accommodation,
    ContextFlag,
    Difficulty,
    GbvType,
    ReportingDelay,
    TpksForm,
    ViolenceType,
    VulnerableGroup,
)
from lindungi.core.compiled import Param, compiled
from lindungi.core.compiled_query import CompiledQuery
from lindungi.core.json_rows import json_rows
from lindungi.places.names import place_labels

# The case's workers come with the case's own row (``with_page_rows``), compiled once: as a
# query of their own, joined to the users' many columns, they cost more to build than any
# other of the page's queries.
PAGE_ROWS = compiled(
    Case,
    {
        "worker_rows": json_rows(
            Assignment.objects.filter(case=OuterRef("pk")),
            "case",
            "assigned_at",
            "id",
            "user_id",
            "user__display_name",
        )
    },
)


@dataclass(frozen=True)
class Worker:
    """A worker of the case, as the page names them."""

    id: uuid.UUID
    display_name: str


def with_page_rows(cases):
    """``cases`` with what ``load_case_page`` reads with the case's own row."""
    return cases.annotate(**PAGE_ROWS)


def load_case_page(case):
    """Everything the case page shows, in a fixed number of queries.

    Clients are loaded whole (the page may show names to those allowed); incidents with
    their perpetrators; the timeline with the people who acted.
    """
    _load_parts(case)
    # In the order they were assigned (ISO times and ids, as strings, sort as they are).
    workers = [
        Worker(uuid.UUID(user), name)
        for _at, _id, user, name in sorted(case.worker_rows or (), key=itemgetter(0, 1))
    ]
    clients = _describe_clients(case)
    _describe_incidents(case.incident_list, clients)
    events = _timeline(case, workers)
    return {
        "events": events,
        "workers": workers,
        **case_page.extra_context(case, events),
    }


# The case page's parts by the case's key, compiled once (``lindungi.core.compiled_query``):
# built and compiled by the ORM on every request, each of these cost two to three times
# what it costs to run and to turn its few rows into objects (PostgreSQL, 100,000 cases).
# Read without ORDER BY and put in order here (``_load_parts``).
_CASE = Param("case", UUIDField())
_CLIENTS = CompiledQuery(lambda: Client.objects.filter(case_id=_CASE).order_by())
_INCIDENTS = CompiledQuery(lambda: Incident.objects.filter(case_id=_CASE).order_by())
_PERPETRATORS = CompiledQuery(
    lambda: Perpetrator.objects.filter(incident__case_id=_CASE).order_by()
)
_EVENTS = CompiledQuery(lambda: CaseEvent.objects.filter(case_id=_CASE).order_by())
# The people who acted on the timeline, each once.
_ACTORS = CompiledQuery(
    lambda: User.objects.filter(
        pk__in=CaseEvent.objects.filter(case_id=_CASE).values("actor_id")
    ).order_by()
)


def _load_parts(case):
    """The case's clients, incidents with their perpetrators and timeline, in their
    models' orders, and where people live and incidents happened, in words."""
    # Plain filters on the case's key, not prefetch_related_objects: its machinery (an IN
    # query per relation, then matching the rows back to the one case) cost a quarter of
    # reading these parts.
    # The models' own orderings; an incident without a date comes after the dated ones.
    case.client_list = sorted(_CLIENTS.rows(case=case.pk), key=attrgetter("created_at"))
    case.incident_list = sorted(
        _INCIDENTS.rows(case=case.pk),
        key=lambda i: (i.occurred_on is None, i.occurred_on or date.min, i.created_at),
    )
    perpetrators = {}
    if case.incident_list:
        for row in _PERPETRATORS.rows(case=case.pk):
            perpetrators.setdefault(row.incident_id, []).append(row)
    for incident in case.incident_list:
        incident.perpetrator_list = sorted(
            perpetrators.get(incident.pk, []), key=attrgetter("created_at")
        )
    case.event_list = _EVENTS.rows(case=case.pk)
    if any(event.actor_id for event in case.event_list):
        actors = {user.pk: user for user in _ACTORS.rows(case=case.pk)}
        for event in case.event_list:
            if event.actor_id in actors:
                event.actor = actors[event.actor_id]
    # Where people live and incidents happened, in words ("Kelurahan, Kecamatan, Kota").
    places = place_labels(p.kelurahan_id for p in [*case.client_list, *case.incident_list])
    for part in [*case.client_list, *case.incident_list]:
        part.place = places.get(part.kelurahan_id)


def _describe_clients(case):
    """What the page shows of each client (groups, age, label, needs); returns them by id."""
    today = timezone.localdate()
    opened_on = timezone.localdate(case.opened_at)
    incident_days = {}
    for incident in case.incident_list:
        day = incident.occurred_on or incident.reported_on
        incident_days.setdefault(incident.survivor_id, []).append(day)
    labels = {}
    survivors = 0
    for client in case.client_list:
        day = classification.groups_day(incident_days.get(client.pk, []), opened_on)
        client.groups = [g for g in VulnerableGroup if g in client.vulnerable_groups(day)]
        client.age = client.age_on(today)
        if client.role == ClientRole.SURVIVOR:
            survivors += 1
            client.label = _("Survivor %(number)s") % {"number": survivors}
        else:
            client.label = client.get_role_display()
        client.accommodation_labels = labels_of(Accommodation, client.accommodations)
        client.wg = [
            (label, labels_of(Difficulty, [getattr(client, f"wg_{domain}")])[0])
            for domain, label in WG_DOMAINS
            if getattr(client, f"wg_{domain}")
        ]
        labels[client.pk] = client
    return labels


def _describe_incidents(incidents, clients):
    """What the page shows of each incident: its survivor (from ``clients``, by id) and its
    classifications in words."""
    for incident in incidents:
        # From the clients already loaded: no query, and no second decryption.
        incident.survivor_client = clients.get(incident.survivor_id)
        incident.gbv_label = labels_of(GbvType, [incident.gbv_type])[0] if incident.gbv_type else ""
        incident.violence_labels = labels_of(ViolenceType, incident.violence_types)
        incident.tpks_labels = labels_of(TpksForm, incident.tpks_forms)
        incident.flag_labels = labels_of(ContextFlag, incident.context_flags)
        incident.delay_label = (
            labels_of(ReportingDelay, [incident.reporting_delay])[0]
            if incident.reporting_delay
            else ""
        )


def _timeline(case, workers):
    """The case's events in order, each described with the people it names (those already
    loaded, the others in one query)."""
    people = {w.id: w for w in workers}
    events = sorted(case.event_list, key=attrgetter("at", "id"))
    for event in events:
        if event.actor_id:
            people[event.actor_id] = event.actor
    wanted = {
        e.detail.get("user") for e in events if isinstance(e.detail, dict) and e.detail.get("user")
    }
    missing = {pk for pk in wanted if _as_uuid(pk) not in people}
    if missing:
        people.update(User.objects.filter(pk__in=missing).in_bulk())
    describe(events, {str(pk): user for pk, user in people.items()})
    return events


def labels_of(choices, values):
    """Display labels of stored codes; a code no longer on the list shows as itself."""
    known = dict(choices.choices)
    return [known.get(value, value) for value in values or []]


def _as_uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
