"""Every write to a report (rule 1 of docs/architecture.md): drafts, submission from every
channel, triage.

A draft is never refused for being partial: what the officer typed so far is kept. Triage
actions carry the report's version, so two officers acting on one report at once cannot
both win: the second is told what happened.
"""

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ForeignKey
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from lindungi.accounts.models import Unit, User
from lindungi.accounts.roles import UnitType
from lindungi.audit.events import record
from lindungi.cases import actions as case_actions
from lindungi.cases.actions import Data, HistoryStep, StaleVersion
from lindungi.cases.models import Case
from lindungi.cases.safe_contact import SAFE_CONTACT_FIELDS, SafeChannel, clean_windows
from lindungi.cases.timeline import EventKind
from lindungi.cases.vocabulary import WG_DOMAINS
from lindungi.core.client_ip import client_ip
from lindungi.core.dates import check_past_facts
from lindungi.core.once import SubmitOnce, claim, done
from lindungi.intake import access, carry, risk
from lindungi.intake.access import INTAKE_ROLES, Need
from lindungi.intake.models import (
    ApiKey,
    PublicSubmission,
    Report,
    ReportPerson,
    ReportStatus,
    StatusAttempt,
)
from lindungi.intake.references import new_reference
from lindungi.notifications.models import Kind, notify

REPORT_FIELDS = {
    "channel",
    "service_point",
    *carry.STORY_FIELDS,
    "contact_phone",
    "contact_email",
    *risk.SCREENING,
    *SAFE_CONTACT_FIELDS,
    "consent_contact",
    "consent_services",
    "consent_statistics",
}
PERSON_FIELDS = {
    "name",
    "age",
    "age_is_estimate",
    "sex",
    *(f"wg_{domain}" for domain, _label in WG_DOMAINS),
    "accommodations",
}
# Public-form PINs: six digits, shown once, stored hashed like a password.
PIN_DIGITS = 6
STATUS_LOCK_AFTER = 5
STATUS_ADDRESS_LOCK_AFTER = 20
STATUS_LOCK_MINUTES = 30
STATUS_WINDOW = timedelta(minutes=STATUS_LOCK_MINUTES)
STATUS_LOCK_CLASS = 0x1D51  # the advisory locks' first key: the status page's own space
# Public-form reports from one address within the window.
PUBLIC_RATE_LIMIT = 5
PUBLIC_RATE_WINDOW = timedelta(hours=1)


def _check_fields(data: Data, allowed: set[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )


def _validate(report: Report) -> None:
    check_past_facts(occurred_on=report.occurred_on)
    if not isinstance(report.safe_channels, list) or not set(report.safe_channels) <= set(
        SafeChannel.values
    ):
        raise ValidationError({"safe_channels": _("Choose from the list.")})
    report.safe_channels = sorted(set(report.safe_channels))
    report.contact_windows = clean_windows(report.safe_channels, report.contact_windows)
    # What the database decides at the insert anyway is not asked first, one query each:
    # the uniqueness of the reference (see _create) and of the id (a random UUID), and that
    # a row just read from the database (the kelurahan the API looked up) exists.
    report.full_clean(exclude=["reference", "id", *_loaded_relations(report)])


def _loaded_relations(report: Report) -> list[str]:
    """The foreign keys that hold a row read from the database, with no choice limits: the
    row exists, and the foreign key constraint checks it again at the write."""
    return [
        field.name
        for field in report._meta.concrete_fields
        if isinstance(field, ForeignKey)
        and not field.remote_field.limit_choices_to
        and field.is_cached(report)
        and (row := field.get_cached_value(report)) is not None
        and not row._state.adding
    ]


def _set_people(report: Report, people: Iterable[Data] | None) -> None:
    """Replace the report's people with ``people`` (None: leave them)."""
    if people is None:
        return
    report.people.all().delete()
    _add_people(report, people)


def _add_people(report: Report, people: Iterable[Data] | None) -> None:
    """Add ``people`` to the report: all of them, a new report's (no rows to replace)."""
    for person in people or ():
        _check_fields(person, PERSON_FIELDS)
        row = ReportPerson(report=report, **person)
        if row.age is not None and row.age > 120:
            raise ValidationError({"age": _("Enter an age from 0 to 120.")})
        row.full_clean(exclude=["report"])
        row.save()


def _screening(report: Report) -> dict[str, object]:
    return {name: getattr(report, name) for name in risk.SCREENING}


def _received(report: Report, now: datetime) -> None:
    """Mark a report received: compute its risk and the time it must be answered by."""
    report.status = ReportStatus.RECEIVED
    report.received_at = now
    level = risk.risk_level(_screening(report))
    report.risk_computed = level
    report.risk = level
    report.due_at = risk.due_by(now, level)


def _create(report: Report) -> Report:
    """Insert with a fresh random reference, drawing again on the (rare) collision."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                report.save()
            return report
        except IntegrityError:
            report.reference = new_reference()
            report._state.adding = True
    raise IntegrityError("could not draw a unique reference")


def _locked(
    actor: User, report: Report, need: Need, status: str, version: int | None = None
) -> Report:
    """Lock the report and check, in this order: that the actor may see it at all
    (PermissionDenied: a stale answer would show it), that it is still as the actor saw it
    (StaleVersion), and that the actor may ``need`` it (``intake/access.py``)."""
    current = Report.objects.select_for_update().get(pk=report.pk)
    access.check(actor, current, Need.VIEW)
    if current.status != status or (version is not None and current.version != version):
        raise StaleVersion(current)
    access.check(actor, current, need)
    return current


@transaction.atomic
def save_draft(
    actor: User,
    unit: Unit | None,
    data: Data,
    people: Iterable[Data] | None = None,
    *,
    report: Report | None = None,
    version: int | None = None,
    once: SubmitOnce | None = None,
    request: HttpRequest | None = None,
) -> Report:
    """Create or update a staff draft with whatever has been typed so far.

    ``once`` holds the key of the form that creates a draft (a token drawn when it was
    shown): a twin post of that form raises ``Replayed`` naming the draft the first made
    (``{"report": id}``), which the caller then updates.
    """
    _check_fields(data, REPORT_FIELDS)
    if report is None:
        if not access.may_take_reports(actor, unit):
            raise PermissionDenied
        claim(once)
        report = Report(unit=unit, received_by=actor, status=ReportStatus.DRAFT, **data)
        _validate(report)
        _create(report)
        done(once, report)
        action = "report.draft_create"
    else:
        report = _locked(actor, report, Need.DRAFT, ReportStatus.DRAFT, version)
        if unit is None or report.unit_id != unit.pk:
            raise PermissionDenied
        for name, value in data.items():
            setattr(report, name, value)
        _validate(report)
        report.version += 1
        report.save()
        action = "report.draft_update"
    _set_people(report, people)
    record(action, request=request, actor=actor, obj=report, fields=sorted(data))
    return report


@transaction.atomic
def submit_report(
    actor: User, report: Report, version: int, *, request: HttpRequest | None = None
) -> Report:
    """The officer sends the draft: it joins the triage queue with its risk and due time."""
    report = _locked(actor, report, Need.DRAFT, ReportStatus.DRAFT, version)
    _received(report, timezone.now())
    report.version += 1
    report.save()
    record("report.submit", request=request, actor=actor, obj=report, fields=["status"])
    return report


def _new_pin() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(PIN_DIGITS))


class TooManyReports(Exception):
    """This address sent ``PUBLIC_RATE_LIMIT`` reports within ``PUBLIC_RATE_WINDOW``."""


@transaction.atomic
def receive_public_report(
    data: Data,
    people: Iterable[Data] | None = None,
    *,
    address: str = "",
    once: SubmitOnce | None = None,
    request: HttpRequest | None = None,
) -> tuple[Report, str]:
    """A report from the public form: received at once. Returns (report, pin); the PIN is
    shown once and only its hash is kept (and, encrypted, in ``once``'s outcome, so that a
    resent form shows the receipt again).

    ``address`` is a keyed hash of the sender's address: at most ``PUBLIC_RATE_LIMIT``
    reports an hour come from one (``TooManyReports``); a resent form is no new report."""
    claim(once)
    now = timezone.now()
    if address:
        # A sending counts for an hour and is then forgotten: no address hash stays longer.
        PublicSubmission.objects.filter(created_at__lt=now - PUBLIC_RATE_WINDOW).delete()
        if PublicSubmission.objects.filter(address=address).count() >= PUBLIC_RATE_LIMIT:
            raise TooManyReports
        PublicSubmission.objects.create(address=address, created_at=now)
    _check_fields(data, REPORT_FIELDS - {"channel", "service_point"})
    pin = _new_pin()
    report = Report(channel="online", pin_hash=make_password(pin), **data)
    _validate(report)
    _received(report, now)
    _create(report)
    _add_people(report, people)
    record("report.public_submit", request=request, obj=report)
    done(once, (report, pin))
    return report, pin


class _InsertFailed(Exception):
    """The new report's insert failed (``error``), and its transaction with it."""

    def __init__(self, reference: str, error: IntegrityError) -> None:
        super().__init__(reference)
        self.reference = reference
        self.error = error


# Draws of a reference before giving up: each collides about once in 10^15 tries.
REFERENCE_DRAWS = 5


def receive_api_report(
    api_key: ApiKey,
    data: Data,
    people: Iterable[Data] | None = None,
    *,
    once: SubmitOnce | None = None,
    request: HttpRequest | None = None,
) -> Report:
    """A report from an integration (112 dispatch, the city's citizen app): received at once.

    With ``once`` (the request's Idempotency-Key), a retry raises ``Replayed`` with the
    first answer instead of making a second report.

    A reference another report holds fails the insert and with it the whole transaction,
    which runs again with a new reference (claim, report and event alike). Unlike
    ``_create``, no savepoint around the insert: two round trips fewer on every report the
    API takes, for a retry of the whole transaction about once in 10^15 reports."""
    for _draw in range(REFERENCE_DRAWS):
        try:
            return _receive_api_report(api_key, data, people, once=once, request=request)
        except _InsertFailed as failed:
            # Asked once the transaction is rolled back: PostgreSQL answers nothing before.
            if not Report.objects.filter(reference=failed.reference).exists():
                raise failed.error from None
    raise IntegrityError("could not draw a unique reference")


@transaction.atomic
def _receive_api_report(
    api_key: ApiKey,
    data: Data,
    people: Iterable[Data] | None,
    *,
    once: SubmitOnce | None,
    request: HttpRequest | None,
) -> Report:
    _check_fields(data, REPORT_FIELDS)
    report = Report(**{"channel": "api", **data}, reference=new_reference())
    _validate(report)
    _received(report, timezone.now())
    # The answer (id, reference, risk, deadline) is known before the insert: it goes in with
    # the key's claim, one statement fewer than claiming first and storing it after.
    claim(once, report)
    try:
        report.save()
    except IntegrityError as error:
        raise _InsertFailed(report.reference, error) from error
    _add_people(report, people)
    record("report.api_submit", request=request, obj=report, reason=f"api_key:{api_key.pk}")
    return report


def _status_key(kind: str, value: str) -> str:
    # Keyed hashes: the table holds neither the references tried nor the addresses.
    return salted_hmac(f"lindungi.intake.status.{kind}", value, algorithm="sha256").hexdigest()


def _serialise(*keys: str) -> None:
    """PostgreSQL: take each key's transaction lock, so parallel tries count one by one
    (SQLite's write transactions already run one at a time)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in keys:  # always in this order: two tries never wait on each other crosswise
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [STATUS_LOCK_CLASS, int(key[:7], 16)]
            )


@transaction.atomic
def check_status_pin(
    reference: str, pin: str, *, request: HttpRequest | None = None
) -> tuple[Report | None, bool]:
    """The public status page: (the report if the PIN is right, whether the page is locked).

    A six-digit PIN cannot be guessed by trying: after ``STATUS_LOCK_AFTER`` wrong tries at
    a reference, or ``STATUS_ADDRESS_LOCK_AFTER`` from one address, within
    ``STATUS_LOCK_MINUTES``, further tries are refused until the oldest ages out. A
    reference that does not exist, or has no PIN, is counted, locked and checked (against a
    hash of the PIN just typed: the same work) exactly like a real one with a wrong PIN, so
    neither the answer nor its time tells whether a report exists.
    """
    address = _status_key("address", client_ip(request) or "")
    key = _status_key("reference", reference)
    _serialise(address, key)
    now = timezone.now()
    tries = StatusAttempt.objects.filter(created_at__gt=now - STATUS_WINDOW)
    StatusAttempt.objects.filter(created_at__lte=now - STATUS_WINDOW).delete()

    def locked() -> bool:
        return (
            tries.filter(reference=key).count() >= STATUS_LOCK_AFTER
            or tries.filter(address=address).count() >= STATUS_ADDRESS_LOCK_AFTER
        )

    if locked():
        return None, True
    report = Report.objects.filter(reference=reference).exclude(pin_hash="").first()
    if report is None:
        make_password(pin)  # one hash, as a real check costs
    elif check_password(pin, report.pin_hash):
        tries.filter(reference=key).delete()
        return report, False
    StatusAttempt.objects.create(reference=key, address=address, created_at=now)
    return None, locked()


def public_status(report: Report) -> str:
    """What the public status page may say: received, being handled or closed. No more."""
    if report.status in (ReportStatus.RECEIVED, ReportStatus.DRAFT):
        return "received"
    if report.status == ReportStatus.CLOSED or (report.case and report.case.closed_at):
        return "closed"
    return "in_progress"


# --- Triage ------------------------------------------------------------------------------


def _triage(actor: User, report: Report, version: int) -> Report:
    """Lock the report and check it can still be triaged by this officer at this version."""
    return _locked(actor, report, Need.TRIAGE, ReportStatus.RECEIVED, version)


def _finish(
    actor: User,
    report: Report,
    status: str,
    action: str,
    request: HttpRequest | None,
    fields: Iterable[str],
) -> Report:
    report.status = status
    report.triaged_by = actor
    report.triaged_at = timezone.now()
    report.version += 1
    report.save()
    record(action, request=request, actor=actor, obj=report, fields=sorted(fields))
    return report


@transaction.atomic
def override_risk(
    actor: User,
    report: Report,
    version: int,
    level: str,
    reason: str | None,
    *,
    request: HttpRequest | None = None,
) -> Report:
    current = _triage(actor, report, version)
    if level not in risk.Risk.values:
        raise ValidationError({"risk": _("Choose a risk level.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"risk_override_reason": _("Say why you change the risk level.")})
    current.risk = level
    current.risk_override_reason = reason[:2000]
    current.due_at = risk.due_by(current.received_at or timezone.now(), level)
    current.version += 1
    current.save()
    record("report.risk_override", request=request, actor=actor, obj=current, fields=["risk"])
    return current


@transaction.atomic
def open_case_from_report(
    actor: User, report: Report, version: int, unit: Unit, *, request: HttpRequest | None = None
) -> Report:
    """Open a case for the report in ``unit`` (the actor must be able to open cases there),
    carrying everything the report holds onto it (``carry``) so nobody tells their story
    twice. The case's timeline starts with the report's receipt and hand-over."""
    current = _triage(actor, report, version)
    case = case_actions.open_case(actor, unit, request=request, **_case_facts(current))
    for person in current.people.all():
        case_actions.add_client(actor, case, carry.client_data(current, person), request=request)
    return _opened(actor, current, case, request)


@transaction.atomic
def open_case_after_visit(
    actor: User, report: Report, unit: Unit, *, request: HttpRequest | None = None
) -> Case | None:
    """The rapid response team went out on this report before anyone triaged it: the
    visit opens the case in ``unit`` (the service centre covering the place) on the word of
    the crew member who reports it, and that centre's supervisors are alerted to assign it.
    The caller has checked that ``actor`` is on the dispatch; the report is not theirs to
    read. A report intake has already decided on keeps that decision: None."""
    current = Report.objects.select_for_update().get(pk=report.pk)
    if current.status != ReportStatus.RECEIVED:
        return None
    clients = [carry.client_data(current, person) for person in current.people.all()]
    case = case_actions.open_case_for_unit(
        actor, unit, clients, request=request, **_case_facts(current)
    )
    _opened(actor, current, case, request)
    return case


def _case_facts(report: Report) -> dict[str, Any]:
    """What a case opened from ``report`` starts with: its priority, the report's steps
    on the timeline, and the report named on the opening."""
    return {
        "priority": _priority(report.risk),
        "history": _history(report),
        "report": str(report.pk),
        "reference": report.reference,
    }


def _opened(actor: User, report: Report, case: Case, request: HttpRequest | None) -> Report:
    report.case = case
    report = _finish(actor, report, ReportStatus.CASE_OPENED, "report.open_case", request, ["case"])
    carry.carry_to_case(actor, report, case, request=request)
    return report


def _history(report: Report) -> list[HistoryStep]:
    """The report's steps before the case, for the case's timeline: (at, actor, kind,
    detail); ids and codes only."""
    named = {"report": str(report.pk), "reference": report.reference}
    steps = []
    if report.received_at:
        detail = {**named, "channel": report.channel}
        steps.append((report.received_at, report.received_by, EventKind.REPORT_RECEIVED, detail))
    if report.handed_to_id and report.handed_at:
        detail = {**named, "unit": str(report.handed_to_id)}
        steps.append((report.handed_at, report.handed_by, EventKind.REPORT_HANDED_OVER, detail))
    return steps


def _priority(level: str) -> str:
    return {"high": "high", "medium": "medium"}.get(level, "low")


@transaction.atomic
def link_to_case(
    actor: User, report: Report, version: int, case: Case, *, request: HttpRequest | None = None
) -> Report:
    """Link the report to a case the officer found and may see."""
    current = _triage(actor, report, version)
    if not Case.objects.restrict(actor).filter(pk=case.pk).exists():
        raise PermissionDenied
    current.case = case
    return _finish(actor, current, ReportStatus.LINKED, "report.link_case", request, ["case"])


def mark_urgent(report: Report) -> None:
    """A rapid response team was sent for the report (``response``'s dispatch action, in
    its transaction): the triage queue shows it urgent. Not a triage decision, so the
    version a triage form was read at stays."""
    Report.objects.filter(pk=report.pk).update(urgent=True)


@transaction.atomic
def hand_over(
    actor: User,
    report: Report,
    version: int,
    unit: Unit | None,
    *,
    request: HttpRequest | None = None,
) -> Report:
    """Pass the report to a service centre's queue, where a supervisor opens or links the
    case: for officers (e.g. at 112) who may not open cases or see the matching one. The
    centre's intake officers and supervisors are alerted at once."""
    if unit is None or unit.type != UnitType.UPTD_PPA or not unit.is_active:
        raise ValidationError({"handed_to": _("Choose a service centre.")})
    current = _triage(actor, report, version)
    if current.handed_to_id == unit.pk:
        raise StaleVersion(current)
    current.handed_to = unit
    current.handed_at = timezone.now()
    current.handed_by = actor
    current.version += 1
    current.save()
    receivers = User.objects.filter(
        memberships__unit=unit, memberships__role__in=INTAKE_ROLES, is_active=True
    ).distinct()
    notify(receivers, Kind.REPORT_HANDED_OVER, report=current)
    record(
        "report.hand_over",
        request=request,
        actor=actor,
        obj=current,
        fields=["handed_to", "handed_at", "handed_by"],
    )
    return current


@transaction.atomic
def refer_out(
    actor: User, report: Report, version: int, to: str | None, *, request: HttpRequest | None = None
) -> Report:
    to = (to or "").strip()
    if not to:
        raise ValidationError({"referred_to": _("Name the agency the report goes to.")})
    current = _triage(actor, report, version)
    current.referred_to = to[:200]
    return _finish(actor, current, ReportStatus.REFERRED, "report.refer", request, ["referred_to"])


@transaction.atomic
def close_not_protection(
    actor: User,
    report: Report,
    version: int,
    reason: str | None,
    *,
    request: HttpRequest | None = None,
) -> Report:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"closed_reason": _("Say why this is not a protection matter.")})
    current = _triage(actor, report, version)
    current.closed_reason = reason[:2000]
    return _finish(actor, current, ReportStatus.CLOSED, "report.close", request, ["closed_reason"])
