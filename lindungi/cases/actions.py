"""Every write to a case goes through these actions (docs/architecture.md, rule 1).

Each action checks the actor's right, validates, writes, appends the audit row, adds to the
case timeline and queues alerts, in one transaction: either all of it happens or none.
Edits carry the version the user started from; a stale one raises ``StaleVersion``.
"""

import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any, Protocol, TypeVar, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Field, Model, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindungi.accounts.models import Unit, User
from lindungi.accounts.roles import Role
from lindungi.audit.events import record
from lindungi.cases import classification, record_hooks
from lindungi.cases.access import CaseAccess, Need, check
from lindungi.cases.models import (
    Assignment,
    BreakGlass,
    Case,
    CaseEvent,
    Client,
    ClientRole,
    Incident,
    NamedAccess,
    Perpetrator,
    RestrictionReason,
    Status,
    new_survivor_code,
)
from lindungi.cases.timeline import EventKind
from lindungi.cases.vocabulary import INTIMATE_PARTNERS, GbvType, Sex, TpksForm, ViolenceType
from lindungi.core.blind_index import normalise_phone
from lindungi.core.dates import check_past_facts
from lindungi.core.once import SubmitOnce, claim, done
from lindungi.notifications.models import Kind, notify

BREAK_GLASS_HOURS = 4

M = TypeVar("M", bound=Model)
# The records an edit carries a version for (``_save_version``): every one has a ``version``
# column (``HasVersion``), case work's included.
Versioned = TypeVar("Versioned", bound=Model)
# Field name -> value, as a form or the API sends them to an action.
Data = Mapping[str, Any]
# One step of an intake report before its case: (at, actor, kind, detail).
HistoryStep = tuple[datetime, User | None, EventKind, dict[str, str]]


class HasVersion(Protocol):
    """A record whose edits carry the version they started from."""

    version: int


class StaleVersion(Exception):
    """Someone else saved the record after this edit began. ``current`` is the saved one."""

    def __init__(self, current: HasVersion) -> None:
        super().__init__("stale version")
        self.current = current


def _roles_in(user: User, unit_id: uuid.UUID) -> set[str]:
    return {m.role for m in user.memberships.all() if m.unit_id == unit_id}


def _require_edit(actor: User, case: Case) -> CaseAccess:
    """Every action checks its actor itself, whoever calls it (a page, the API, a command)."""
    return check(actor, case, Need.EDIT)


def _log(
    request: HttpRequest | None,
    actor: User | None,
    action: str,
    obj: Model,
    case: Case,
    kind: EventKind,
    fields: Iterable[str] = (),
    **detail: str,
) -> None:
    """The audit row and the timeline entry of one write. ``detail`` holds codes and ids
    only: what the entry is about (a service type, a reason code), never typed text."""
    record(action, request=request, actor=actor, obj=obj, fields=fields)
    _event(case, actor, kind, fields=list(fields), **detail)


def _event(case: Case, actor: User | None, kind: EventKind, **detail: object) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, at=timezone.now(), actor=actor, kind=kind, detail=detail
    )


def _stored(instance: Model, name: str) -> object:
    """A field's value as it is compared for a change: a relation by its id, no value and
    an empty text alike, and a list of codes whatever its order."""
    # A name an action sets is a concrete field's (``_only`` refuses any other).
    field = cast(Field, instance._meta.get_field(name))
    value = getattr(instance, field.attname)
    if value is None or value == "":
        return None
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return sorted(value)
    return value


def _apply(instance: M, changes: Data, validate: Callable[[M], None] | None = None) -> list[str]:
    """Set the attributes, validate (which may normalise them: strip text, derive a box
    from another answer), and return the names of those whose stored value changed.

    Compared after validation, so a value posted as it was (an unticked box that stays
    unticked, an empty text for a missing one, the same codes in another order) is no
    change, and neither is one that validation turns back into the stored value.
    """
    before = {name: _stored(instance, name) for name in changes}
    for name, value in changes.items():
        setattr(instance, name, value)
    if validate is not None:
        validate(instance)
    return [name for name in changes if _stored(instance, name) != before[name]]


def _filled(data: Data) -> list[str]:
    """The names of what a new record was given: an empty text, an unticked box or an
    empty list was not filled in."""
    return sorted(
        name
        for name, value in data.items()
        if not (value is None or value is False or value in ("", [], {}))
    )


def _save_version(
    model: type[Versioned],
    obj: Versioned,
    version: int | None,
    changes: Data,
    validate: Callable[[Versioned], None] | None = None,
) -> tuple[Versioned, list[str]]:
    """Lock the row, refuse a stale version, apply and bump the version.

    The row lock (PostgreSQL) or the IMMEDIATE write transaction (SQLite) makes the check
    and the write one step: two editors of version 3 cannot both succeed.
    """
    current = model._default_manager.select_for_update().get(pk=obj.pk)
    stored = cast(HasVersion, current)
    if stored.version != version:
        raise StaleVersion(stored)
    changed = _apply(current, changes, validate)
    current.full_clean()
    if changed:
        stored.version += 1
        current.save()
    return current, changed


# --- Cases -------------------------------------------------------------------------------


@transaction.atomic
def open_case(
    actor: User,
    unit: Unit,
    *,
    priority: str | None = None,
    history: Iterable[HistoryStep] = (),
    request: HttpRequest | None = None,
    **detail: str,
) -> Case:
    """Open a case owned by ``unit``. A case worker who opens it is assigned to it.

    ``history`` is what happened before the case (an intake report's receipt, its
    hand-over): (at, actor, kind, detail) rows, put on the timeline before the opening so
    they read in order even when they share its instant."""
    roles = _roles_in(actor, unit.pk)
    if not roles & {Role.CASE_WORKER, Role.SUPERVISOR}:
        raise PermissionDenied
    case = _new_case(actor, unit, priority, history, request, detail)
    if Role.CASE_WORKER in roles:
        Assignment.objects.create(
            case=case, user=actor, assigned_by=actor, assigned_at=case.opened_at
        )
    return case


@transaction.atomic
def open_case_for_unit(
    actor: User,
    unit: Unit,
    clients: Iterable[Data],
    *,
    priority: str | None = None,
    history: Iterable[HistoryStep] = (),
    request: HttpRequest | None = None,
    **detail: str,
) -> Case:
    """Open a case owned by ``unit``, with its ``clients``, on the word of someone outside
    it (the rapid response team's visit to a survivor nobody had triaged yet). The caller
    has checked that the actor's work gives that word; the opener is kept, nobody is
    assigned, and the unit's supervisors are alerted to assign a case worker."""
    case = _new_case(actor, unit, priority, history, request, detail)
    for data in clients:
        _save_client(actor, case, data, request)
    notify(unit.supervisors(), Kind.CASE_TO_ASSIGN, case=case)
    return case


def _new_case(
    actor: User,
    unit: Unit,
    priority: str | None,
    history: Iterable[HistoryStep],
    request: HttpRequest | None,
    detail: Mapping[str, str],
) -> Case:
    opened_at = timezone.now()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    unit=unit,
                    opened_by=actor,
                    opened_at=opened_at,
                    priority=priority or Case._meta.get_field("priority").default,
                    survivor_code=new_survivor_code(),
                )
            break
        except IntegrityError:  # a survivor code collision: 32^8 codes, so rare; try again
            continue
    else:
        raise IntegrityError("could not draw a unique survivor code")
    for at, who, step, step_detail in history:
        CaseEvent.objects.create(case=case, at=at, actor=who, kind=step, detail=step_detail)
    _log(request, actor, "case.open", case, case, EventKind.OPENED, **detail)
    return case


@transaction.atomic
def open_case_with_survivor(
    actor: User,
    unit: Unit,
    survivor: Data,
    *,
    priority: str | None = None,
    once: SubmitOnce | None = None,
    request: HttpRequest | None = None,
) -> tuple[Case, Client]:
    """Open a case with its survivor, as the new-case form does: both or neither. With
    ``once`` (the form's key), a resent form raises ``Replayed`` instead of a second case."""
    claim(once)
    case = open_case(actor, unit, priority=priority, request=request)
    client = add_client(actor, case, survivor, request=request)
    done(once, case)
    return case, client


@transaction.atomic
def assign_worker(
    actor: User, case: Case, worker: User, *, request: HttpRequest | None = None
) -> None:
    """A supervisor of the owning unit assigns a case worker of that unit."""
    if Role.SUPERVISOR not in _roles_in(actor, case.unit_id):
        raise PermissionDenied
    _require_edit(actor, case)
    if Role.CASE_WORKER not in _roles_in(worker, case.unit_id):
        raise ValidationError(_("Only a case worker of the case's unit can be assigned."))
    now = timezone.now()
    _assignment, created = Assignment.objects.get_or_create(
        case=case, user=worker, defaults={"assigned_by": actor, "assigned_at": now}
    )
    if not created:
        return
    if case.restricted:
        NamedAccess.objects.get_or_create(
            case=case, user=worker, defaults={"granted_by": actor, "granted_at": now}
        )
    notify([worker], Kind.CASE_ASSIGNED, case)
    record("case.assign", request=request, actor=actor, obj=case, fields=["workers"])
    _event(case, actor, EventKind.ASSIGNED, user=str(worker.pk))


@transaction.atomic
def update_case(
    actor: User, case: Case, version: int, changes: Data, *, request: HttpRequest | None = None
) -> Case:
    """Change status or priority. Closing and reopening have their own actions: a closure
    needs a supervisor's approval (``lindungi.casework.actions.request_closure``)."""
    _require_edit(actor, case)
    allowed = {"status", "priority"}
    if set(changes) - allowed:
        raise ValidationError(_("These details of a case cannot be changed here."))
    if changes.get("status", case.status) != case.status and (
        case.status == Status.CLOSED or changes["status"] in (Status.CLOSED, Status.REOPENED)
    ):
        raise ValidationError(
            {"status": _("A case is closed by a supervisor's approval and reopened with a reason.")}
        )
    case, changed = _save_version(Case, case, version, changes)
    if changed:
        _log(request, actor, "case.update", case, case, EventKind.UPDATED, changed)
    return case


@transaction.atomic
def restrict_case(
    actor: User, case: Case, reason: str, *, request: HttpRequest | None = None
) -> Case:
    """Close a case to everyone but its named users: the actor, the assigned workers and
    the unit's supervisors, who are alerted."""
    if reason not in RestrictionReason.values:
        raise ValidationError(_("Choose why the case is restricted."))
    # Locked first: the flag and the version are read and written as one step.
    case = Case.objects.select_for_update().get(pk=case.pk)
    now = timezone.now()
    supervisors = case.unit.supervisors()
    named = {actor.pk: actor}
    named.update({u.pk: u for u in case.workers.all()})
    named.update({u.pk: u for u in supervisors})
    for user in named.values():
        NamedAccess.objects.get_or_create(
            case=case, user=user, defaults={"granted_by": actor, "granted_at": now}
        )
    if not case.restricted:
        Case.objects.filter(pk=case.pk).update(
            restricted=True, restriction_reason=reason, version=case.version + 1
        )
        case.refresh_from_db()
        notify(supervisors, Kind.CASE_RESTRICTED, case)
        _log(
            request,
            actor,
            "case.restrict",
            case,
            case,
            EventKind.RESTRICTED,
            ["restricted"],
            reason=reason,
        )
    return case


# --- Clients -----------------------------------------------------------------------------

CLIENT_FIELDS = {
    "role",
    "guardian_of",
    "name",
    "nik",
    "phone",
    "address_detail",
    "birth_date",
    "age_estimate",
    "sex",
    "kelurahan",
    "occupation",
    "education",
    "marital_status",
    "wg_seeing",
    "wg_hearing",
    "wg_walking",
    "wg_remembering",
    "wg_self_care",
    "wg_communicating",
    "accommodations",
}


def _validate_client(client: Client) -> None:
    check_past_facts(birth_date=client.birth_date)
    if client.age_estimate is not None and client.age_estimate > 120:
        raise ValidationError({"age_estimate": _("Enter an age from 0 to 120.")})
    if client.guardian_of is not None and client.guardian_of.case_id != client.case_id:
        raise ValidationError({"guardian_of": _("Choose a person of this case.")})


def client_phone(value: str | None) -> str:
    """A phone number as stored (E.164), from Indonesia or abroad; "" for none.

    Indonesia is the region a number without a country code is read in, as at intake, so
    that the blind index finds a person by any way of writing her number.
    """
    text = (value or "").strip()
    if not text:
        return ""
    try:
        return normalise_phone(text)
    except ValidationError:
        raise ValidationError(
            _(
                "This is not a phone number that can be dialled. Write an Indonesian number "
                "as 0812-3456-7890, or a number abroad with + and its country code, e.g. "
                "+60 12-345 6789."
            ),
            code="invalid_phone",
        ) from None


def _client_data(data: Data) -> Data:
    """What was sent, with the phone number as stored (refused with a clear message)."""
    if data.get("phone"):
        try:
            return {**data, "phone": client_phone(data["phone"])}
        except ValidationError as error:
            raise ValidationError({"phone": error}) from None
    return data


def _only(changes: Data, allowed: set[str]) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )


@transaction.atomic
def add_client(
    actor: User,
    case: Case,
    data: Data,
    *,
    once: SubmitOnce | None = None,
    request: HttpRequest | None = None,
) -> Client:
    """Add a person to the case. With ``once`` (the form's key), a resent form raises
    ``Replayed`` instead of adding the person twice."""
    _require_edit(actor, case)
    claim(once)
    client = _save_client(actor, case, data, request)
    done(once, client)
    return client


def add_child_from_scene(
    actor: User, case: Case, age: int, sex: str, *, request: HttpRequest | None = None
) -> Client:
    """A child the crew of a rapid response dispatch found on the scene and the case does
    not have yet, so that a safe house place is asked for them too: a dependant with an
    estimated age and a sex, no name (the crew never read the case file; its workers
    complete the record). The crew may not edit the case: the caller,
    ``lindungi.shelter.actions.request_from_dispatch``, has asked the response access module
    that ``actor`` may act on the dispatch of this case, inside the same transaction."""
    if not 0 <= age < classification.CHILD_UNDER or sex not in Sex.values:
        raise ValidationError({"people": _("Give each child's age (0 to 17) and sex.")})
    data = {"role": ClientRole.DEPENDANT, "age_estimate": age, "sex": sex}
    return _save_client(actor, case, data, request)


def _save_client(actor: User, case: Case, data: Data, request: HttpRequest | None) -> Client:
    _only(data, CLIENT_FIELDS)
    data = _client_data(data)
    client = Client(case=case, **data)
    _validate_client(client)
    client.full_clean()
    client.save()
    _log(request, actor, "client.create", client, case, EventKind.CLIENT_ADDED, _filled(data))
    return client


@transaction.atomic
def update_client(
    actor: User,
    client: Client,
    version: int,
    changes: Data,
    *,
    request: HttpRequest | None = None,
) -> Client:
    _require_edit(actor, client.case)
    _only(changes, CLIENT_FIELDS)
    changes = _client_data(changes)
    client, changed = _save_version(Client, client, version, changes, _validate_client)
    if changed:
        _log(
            request,
            actor,
            "client.update",
            client,
            client.case,
            EventKind.CLIENT_UPDATED,
            changed,
        )
    return client


# --- Incidents ---------------------------------------------------------------------------

REPORTED_ON_REQUIRED = gettext_lazy(
    "Enter the date the incident was reported: it cannot be left empty."
)

INCIDENT_FIELDS = {
    "survivor",
    "occurred_on",
    "date_is_estimate",
    "time_of_day",
    "reported_on",
    "place_type",
    "kelurahan",
    "description",
    "gbv_answers",
    "violence_types",
    "tpks_forms",
    "goods_exchanged",
    "abducted",
    "harmful_practice",
    "reported_elsewhere",
}


def _codes(values: object, allowed: Iterable[str], field: str) -> list[str]:
    if not isinstance(values, list) or not set(values) <= set(allowed):
        raise ValidationError({field: _("Choose from the list.")})
    return sorted(set(values))


def classify(incident: Incident) -> None:
    """Recompute what is derived, never typed: the core type, flags and delay band."""
    answers = _gbv_answers(incident)
    incident.violence_types = _codes(incident.violence_types, ViolenceType.values, "violence_types")
    incident.tpks_forms = _codes(incident.tpks_forms, TpksForm.values, "tpks_forms")
    gbv = classification.gbv_type(answers)
    incident.gbv_type = gbv or ""
    if incident.tpks_forms and not classification.is_sexual(gbv, incident.violence_types):
        raise ValidationError({"tpks_forms": _("A UU TPKS form applies only to sexual violence.")})
    reported_on = _check_incident_dates(incident)
    if incident.survivor_id and incident.survivor.case_id != incident.case_id:
        raise ValidationError({"survivor": _("Choose a person of this case.")})
    incident.context_flags = _context_flags(incident, gbv, incident.occurred_on or reported_on)
    delay = classification.reporting_delay(incident.occurred_on, reported_on)
    incident.reporting_delay = delay or ""


def _gbv_answers(incident: Incident) -> dict[str, bool]:
    """The GBVIMS answers given so far, each a yes or a no to a known question."""
    answers = incident.gbv_answers or {}
    if (
        not isinstance(answers, dict)
        or not set(answers) <= set(GbvType.values)
        or not all(isinstance(v, bool) for v in answers.values())
    ):
        raise ValidationError({"gbv_answers": _("Answer each question with yes or no.")})
    return answers


def _check_incident_dates(incident: Incident) -> date:
    """The day the incident was reported (required), both days past, and in that order."""
    if incident.reported_on is None:
        raise ValidationError({"reported_on": REPORTED_ON_REQUIRED})
    check_past_facts(occurred_on=incident.occurred_on, reported_on=incident.reported_on)
    if incident.occurred_on and incident.occurred_on > incident.reported_on:
        raise ValidationError({"occurred_on": _("The incident cannot be after the report.")})
    return incident.reported_on


def _context_flags(incident: Incident, gbv: str | None, day: date) -> list[str]:
    """The incident's context flags: by the survivor's age on ``day`` and what happened."""
    age = incident.survivor.age_on(day)
    partner = (
        incident.pk is not None
        and incident.perpetrators.filter(relationship__in=INTIMATE_PARTNERS).exists()
    )
    return sorted(
        classification.context_flags(
            gbv,
            age,
            goods_exchanged=incident.goods_exchanged,
            abducted=incident.abducted,
            intimate_partner=partner,
            harmful_practice=incident.harmful_practice,
        )
    )


@transaction.atomic
def add_incident(
    actor: User,
    case: Case,
    data: Data,
    *,
    once: SubmitOnce | None = None,
    request: HttpRequest | None = None,
) -> Incident:
    _require_edit(actor, case)
    claim(once)
    _only(data, INCIDENT_FIELDS)
    incident = Incident(case=case, **data)
    if incident.reported_on is None:
        incident.reported_on = timezone.localdate(case.opened_at)
    classify(incident)
    incident.full_clean()
    incident.save()
    _log(request, actor, "incident.create", incident, case, EventKind.INCIDENT_ADDED, _filled(data))
    record_hooks.incident_saved(incident)
    done(once, incident)
    return incident


@transaction.atomic
def update_incident(
    actor: User,
    incident: Incident,
    version: int,
    changes: Data,
    *,
    request: HttpRequest | None = None,
) -> Incident:
    _require_edit(actor, incident.case)
    _only(changes, INCIDENT_FIELDS)
    incident, changed = _save_version(Incident, incident, version, changes, classify)
    if changed:
        Incident.objects.filter(pk=incident.pk).update(
            gbv_type=incident.gbv_type,
            context_flags=incident.context_flags,
            reporting_delay=incident.reporting_delay,
        )
        _log(
            request,
            actor,
            "incident.update",
            incident,
            incident.case,
            EventKind.INCIDENT_UPDATED,
            changed,
        )
        record_hooks.incident_saved(incident)
    return incident


# --- Perpetrators ------------------------------------------------------------------------

PERPETRATOR_FIELDS = {
    "count",
    "sex",
    "age_group",
    "relationship",
    "occupation",
    "name",
    "public_employment",
    "employing_agency",
}


def _validate_perpetrator(perpetrator: Perpetrator) -> None:
    if perpetrator.public_employment and not perpetrator.employing_agency.strip():
        raise ValidationError(
            {"employing_agency": _("Name the agency that employs this public employee.")}
        )
    if perpetrator.count < 1 or perpetrator.count > 100:
        raise ValidationError({"count": _("Enter a number from 1 to 100.")})


def _after_perpetrator(actor: User, perpetrator: Perpetrator, request: HttpRequest | None) -> None:
    """Reclassify the incident (partner violence) and restrict the case when the
    perpetrator is a public employee: the sanction track starts from here."""
    incident = perpetrator.incident
    classify(incident)
    Incident.objects.filter(pk=incident.pk).update(context_flags=incident.context_flags)
    if perpetrator.public_employment:
        restrict_case(actor, incident.case, RestrictionReason.STAFF_PERPETRATOR, request=request)
        record_hooks.public_employee_saved(perpetrator)


@transaction.atomic
def add_perpetrator(
    actor: User,
    incident: Incident,
    data: Data,
    *,
    once: SubmitOnce | None = None,
    request: HttpRequest | None = None,
) -> Perpetrator:
    _require_edit(actor, incident.case)
    claim(once)
    _only(data, PERPETRATOR_FIELDS)
    perpetrator = Perpetrator(incident=incident, **data)
    _validate_perpetrator(perpetrator)
    perpetrator.full_clean()
    perpetrator.save()
    _log(
        request,
        actor,
        "perpetrator.create",
        perpetrator,
        incident.case,
        EventKind.PERPETRATOR_ADDED,
        _filled(data),
    )
    _after_perpetrator(actor, perpetrator, request)
    done(once, perpetrator)
    return perpetrator


@transaction.atomic
def update_perpetrator(
    actor: User,
    perpetrator: Perpetrator,
    version: int,
    changes: Data,
    *,
    request: HttpRequest | None = None,
) -> Perpetrator:
    case = perpetrator.incident.case
    _require_edit(actor, case)
    _only(changes, PERPETRATOR_FIELDS)
    perpetrator, changed = _save_version(
        Perpetrator, perpetrator, version, changes, _validate_perpetrator
    )
    if changed:
        _log(
            request,
            actor,
            "perpetrator.update",
            perpetrator,
            case,
            EventKind.PERPETRATOR_UPDATED,
            changed,
        )
        _after_perpetrator(actor, perpetrator, request)
    return perpetrator


# --- Break-glass -------------------------------------------------------------------------


@transaction.atomic
def break_glass(
    actor: User, case: Case, reason: str | None, *, request: HttpRequest | None = None
) -> BreakGlass:
    """Open one case outside the supervisor's scope for a few hours, with a reason.

    The caller has re-checked the supervisor's second factor. The use is audited with its
    reason and waits in the review queue of the supervisors of the actor's unit.
    """
    supervised = [m.unit_id for m in actor.memberships.all() if m.role == Role.SUPERVISOR]
    if not supervised:
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError({"reason": _("Explain in a sentence why you need this case.")})
    if len(reason) > 2000:
        raise ValidationError({"reason": _("Keep the reason under 2,000 characters.")})
    grant = BreakGlass.objects.create(
        case=case,
        user=actor,
        unit_id=supervised[0],
        reason=reason,
        expires_at=timezone.now() + timedelta(hours=BREAK_GLASS_HOURS),
    )
    # The reason goes to the audit row as a code, not as text: the text may name people.
    record(
        "case.break_glass", request=request, actor=actor, obj=case, reason=f"break_glass:{grant.pk}"
    )
    _event(case, actor, EventKind.BREAK_GLASS_USED, break_glass=str(grant.pk))
    reviewers = list(
        User.objects.filter(
            memberships__unit_id__in=supervised, memberships__role=Role.SUPERVISOR, is_active=True
        )
        .exclude(pk=actor.pk)
        .distinct()
    )
    # No link to the case for the reviewers: they may not see it; the review queue shows it.
    notify(reviewers, Kind.BREAK_GLASS_USED, break_glass=grant)
    # Those who answer for the case hear of it at once: the owning unit's supervisors and
    # the case's workers (a reviewer among them has the alert above, which says as much).
    owners = User.objects.filter(
        Q(memberships__unit_id=case.unit_id, memberships__role=Role.SUPERVISOR)
        | Q(case_assignments__case=case),
        is_active=True,
    ).exclude(pk__in=[actor.pk, *(u.pk for u in reviewers)])
    notify(owners.distinct(), Kind.BREAK_GLASS_ON_CASE, case, break_glass=grant)
    return grant


@transaction.atomic
def review_break_glass(
    actor: User, grant: BreakGlass, note: str | None, *, request: HttpRequest | None = None
) -> BreakGlass:
    """Another supervisor of the same unit closes the review."""
    if grant.user_id == actor.pk:
        raise PermissionDenied
    if Role.SUPERVISOR not in _roles_in(actor, grant.unit_id):
        raise PermissionDenied
    grant = BreakGlass.objects.select_for_update().get(pk=grant.pk)
    if grant.reviewed_at is not None:
        raise ValidationError(_("This use was already reviewed."))
    grant.reviewed_by = actor
    grant.reviewed_at = timezone.now()
    grant.review_note = (note or "").strip()[:2000]
    grant.save(update_fields=["reviewed_by", "reviewed_at", "review_note", "updated_at"])
    record("break_glass.review", request=request, actor=actor, obj=grant)
    _event(grant.case, actor, EventKind.BREAK_GLASS_REVIEWED, break_glass=str(grant.pk))
    return grant
