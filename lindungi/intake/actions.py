"""Every write to a report (rule 1 of docs/architecture.md): drafts, submission from every
channel, triage.

A draft is never refused for being partial: what the officer typed so far is kept. Triage
actions carry the report's version, so two officers acting on one report at once cannot
both win: the second is told what happened.
"""

import secrets
from datetime import timedelta

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.accounts.models import User
from lindungi.accounts.roles import Role, UnitType
from lindungi.audit.events import record
from lindungi.cases import actions as case_actions
from lindungi.cases.actions import StaleVersion
from lindungi.cases.safe_contact import SAFE_CONTACT_FIELDS, SafeChannel, clean_windows
from lindungi.cases.timeline import EventKind
from lindungi.cases.vocabulary import WG_DOMAINS
from lindungi.core.dates import check_past_facts
from lindungi.intake import carry, risk
from lindungi.intake.models import Report, ReportPerson, ReportStatus
from lindungi.intake.references import new_reference
from lindungi.notifications.models import Kind, notify

INTAKE_ROLES = {Role.INTAKE_OFFICER, Role.SUPERVISOR}
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
STATUS_LOCK_MINUTES = 30


def _check_fields(data, allowed):
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )


def _validate(report):
    check_past_facts(occurred_on=report.occurred_on)
    if not isinstance(report.safe_channels, list) or not set(report.safe_channels) <= set(
        SafeChannel.values
    ):
        raise ValidationError({"safe_channels": _("Choose from the list.")})
    report.safe_channels = sorted(set(report.safe_channels))
    report.contact_windows = clean_windows(report.safe_channels, report.contact_windows)
    # The draft token's uniqueness is the database's to decide (see _create): a check here
    # would turn a twin post into a form error instead of the report the twin made.
    report.full_clean(exclude=["reference", "draft_token"])


def _set_people(report, people):
    if people is None:
        return
    for person in people:
        _check_fields(person, PERSON_FIELDS)
    report.people.all().delete()
    for person in people:
        row = ReportPerson(report=report, **person)
        if row.age is not None and row.age > 120:
            raise ValidationError({"age": _("Enter an age from 0 to 120.")})
        row.full_clean(exclude=["report"])
        row.save()


def _screening(report):
    return {name: getattr(report, name) for name in risk.SCREENING}


def _received(report, now):
    """Mark a report received: compute its risk and the time it must be answered by."""
    report.status = ReportStatus.RECEIVED
    report.received_at = now
    level = risk.risk_level(_screening(report))
    report.risk_computed = level
    report.risk = level
    report.due_at = risk.due_by(now, level)


def _create(report):
    """Insert with a fresh random reference, drawing again on the (rare) collision."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                report.save()
            return report
        except IntegrityError:
            if (
                report.draft_token
                and Report.objects.filter(draft_token=report.draft_token).exists()
            ):
                raise  # the same form posted twice: the caller finds the twin by its token
            report.reference = new_reference()
            report._state.adding = True
    raise IntegrityError("could not draw a unique reference")


def _officer_unit(actor, unit):
    if unit is None or not {m.role for m in actor.memberships.all() if m.unit_id == unit.pk} & (
        INTAKE_ROLES
    ):
        raise PermissionDenied
    return unit


@transaction.atomic
def save_draft(
    actor, unit, data, people=None, *, report=None, version=None, token=None, request=None
):
    """Create or update a staff draft with whatever has been typed so far.

    ``token`` (a UUID drawn when the form was shown) is kept on a new draft, so the view
    can find it again when the same form is posted twice.
    """
    _officer_unit(actor, unit)
    _check_fields(data, REPORT_FIELDS)
    if report is None:
        report = Report(
            unit=unit, received_by=actor, status=ReportStatus.DRAFT, draft_token=token, **data
        )
        _validate(report)
        _create(report)
        action = "report.draft_create"
    else:
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.status != ReportStatus.DRAFT or report.unit_id != unit.pk:
            raise PermissionDenied
        if version is not None and report.version != version:
            raise StaleVersion(report)
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
def submit_report(actor, report, version, *, request=None):
    """The officer sends the draft: it joins the triage queue with its risk and due time."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    _officer_unit(actor, report.unit)
    if report.version != version or report.status != ReportStatus.DRAFT:
        raise StaleVersion(report)
    _received(report, timezone.now())
    report.version += 1
    report.save()
    record("report.submit", request=request, actor=actor, obj=report, fields=["status"])
    return report


def _new_pin():
    return "".join(secrets.choice("0123456789") for _ in range(PIN_DIGITS))


@transaction.atomic
def receive_public_report(data, people=None, *, request=None):
    """A report from the public form: received at once. Returns (report, pin); the PIN is
    shown once and only its hash is kept."""
    _check_fields(data, REPORT_FIELDS - {"channel", "service_point"})
    pin = _new_pin()
    report = Report(channel="online", pin_hash=make_password(pin), **data)
    _validate(report)
    _received(report, timezone.now())
    _create(report)
    _set_people(report, people)
    record("report.public_submit", request=request, obj=report)
    return report, pin


@transaction.atomic
def receive_api_report(api_key, data, people=None, *, request=None):
    """A report from an integration (112 dispatch, the citizen app): received at once."""
    _check_fields(data, REPORT_FIELDS)
    report = Report(**{"channel": "api", **data})
    _validate(report)
    _received(report, timezone.now())
    _create(report)
    _set_people(report, people)
    record("report.api_submit", request=request, obj=report, reason=f"api_key:{api_key.pk}")
    return report


@transaction.atomic
def check_status_pin(reference, pin):
    """The public status page: the report if the PIN is right, else None.

    Repeated wrong PINs lock that reference's status page for a while, so a six-digit PIN
    cannot be guessed by trying. A reference that does not exist answers like a wrong PIN.
    """
    report = Report.objects.select_for_update().filter(reference=reference).first()
    now = timezone.now()
    if report is None or not report.pin_hash:
        make_password(pin)  # the same work as a real check, so timing says nothing
        return None, False
    if report.status_locked_until and report.status_locked_until > now:
        return None, True
    if check_password(pin, report.pin_hash):
        Report.objects.filter(pk=report.pk).update(status_failures=0, status_locked_until=None)
        return report, False
    failures = report.status_failures + 1
    locked_until = None
    if failures >= STATUS_LOCK_AFTER:
        locked_until = now + timedelta(minutes=STATUS_LOCK_MINUTES)
        failures = 0
    Report.objects.filter(pk=report.pk).update(
        status_failures=failures, status_locked_until=locked_until
    )
    return None, locked_until is not None


def public_status(report):
    """What the public status page may say: received, being handled or closed. No more."""
    if report.status in (ReportStatus.RECEIVED, ReportStatus.DRAFT):
        return "received"
    if report.status == ReportStatus.CLOSED or (report.case and report.case.closed_at):
        return "closed"
    return "in_progress"


# --- Triage ------------------------------------------------------------------------------


def _triage(actor, report, version):
    """Lock the report and check it can still be triaged by this officer at this version."""
    current = Report.objects.select_for_update().get(pk=report.pk)
    if current.version != version:
        raise StaleVersion(current)
    if current.status != ReportStatus.RECEIVED:
        raise StaleVersion(current)
    roles = {m.role for m in actor.memberships.all()}
    if not roles & INTAKE_ROLES:
        raise PermissionDenied
    return current


def _finish(actor, report, status, action, request, fields):
    report.status = status
    report.triaged_by = actor
    report.triaged_at = timezone.now()
    report.version += 1
    report.save()
    record(action, request=request, actor=actor, obj=report, fields=sorted(fields))
    return report


@transaction.atomic
def override_risk(actor, report, version, level, reason, *, request=None):
    current = Report.objects.select_for_update().get(pk=report.pk)
    if current.version != version:
        raise StaleVersion(current)
    if not {m.role for m in actor.memberships.all()} & INTAKE_ROLES:
        raise PermissionDenied
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
def open_case_from_report(actor, report, version, unit, *, request=None):
    """Open a case for the report in ``unit`` (the actor must be able to open cases there),
    carrying everything the report holds onto it (``carry``) so nobody tells their story
    twice. The case's timeline starts with the report's receipt and hand-over."""
    current = _triage(actor, report, version)
    case = case_actions.open_case(
        actor,
        unit,
        priority=_priority(current.risk),
        history=_history(current),
        report=str(current.pk),
        reference=current.reference,
        request=request,
    )
    for person in current.people.all():
        case_actions.add_client(actor, case, carry.client_data(current, person), request=request)
    current.case = case
    current = _finish(
        actor, current, ReportStatus.CASE_OPENED, "report.open_case", request, ["case"]
    )
    carry.carry_to_case(actor, current, case, request=request)
    return current


def _history(report):
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


def _priority(level):
    return {"high": "high", "medium": "medium"}.get(level, "low")


@transaction.atomic
def link_to_case(actor, report, version, case, *, request=None):
    """Link the report to a case the officer found (the caller fetched it through the
    choke point, so the officer may see it)."""
    current = _triage(actor, report, version)
    current.case = case
    return _finish(actor, current, ReportStatus.LINKED, "report.link_case", request, ["case"])


@transaction.atomic
def request_rapid_response(actor, report, version, *, request=None):
    """Mark the report urgent and alert the rapid response team's supervisors."""
    current = Report.objects.select_for_update().get(pk=report.pk)
    if current.version != version:
        raise StaleVersion(current)
    if not {m.role for m in actor.memberships.all()} & INTAKE_ROLES:
        raise PermissionDenied
    current.urgent = True
    current.version += 1
    current.save()
    supervisors = User.objects.filter(
        memberships__unit__type=UnitType.RAPID_RESPONSE,
        memberships__role=Role.SUPERVISOR,
        is_active=True,
    ).distinct()
    notify(supervisors, Kind.RAPID_RESPONSE_REQUESTED, report=current)
    record("report.rapid_response", request=request, actor=actor, obj=current, fields=["urgent"])
    return current


@transaction.atomic
def hand_over(actor, report, version, unit, *, request=None):
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
def refer_out(actor, report, version, to, *, request=None):
    to = (to or "").strip()
    if not to:
        raise ValidationError({"referred_to": _("Name the agency the report goes to.")})
    current = _triage(actor, report, version)
    current.referred_to = to[:200]
    return _finish(actor, current, ReportStatus.REFERRED, "report.refer", request, ["referred_to"])


@transaction.atomic
def close_not_protection(actor, report, version, reason, *, request=None):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"closed_reason": _("Say why this is not a protection matter.")})
    current = _triage(actor, report, version)
    current.closed_reason = reason[:2000]
    return _finish(actor, current, ReportStatus.CLOSED, "report.close", request, ["closed_reason"])
