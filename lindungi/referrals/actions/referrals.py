"""Referral actions: send, the partner's answers (accept, decline, progress, outcome), the
sender's revocation, expiry, and the review of an emergency override.

Every share asks the consent on the server: ``send_referral`` finds the consent in force
that covers this survivor, this organisation (or its kind of service) and the categories
of every chosen field, or refuses. Without one, an emergency override is decided here and
only here: the deployment must allow it for the actor's role and the service
(``REFERRAL_OVERRIDE_ROLES``, ``REFERRAL_OVERRIDE_SERVICES``), a reason is required, and
the referral waits in the supervisors' review queue. No argument sets ``overridden``.

Each action locks the referral, checks the actor through the access module, and writes the
record, the audit row (ids, field names and codes), the case's timeline entry and the
alerts in one transaction.
"""

import uuid
from collections.abc import Mapping
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindungi.accounts.models import Membership, Unit, User
from lindungi.accounts.roles import Role, UnitType
from lindungi.audit.events import record
from lindungi.cases import access as case_access
from lindungi.cases.actions import StaleVersion
from lindungi.cases.models import Case, CaseEvent, Client, ConsentPurpose
from lindungi.cases.timeline import EventKind
from lindungi.casework.models import ServiceType
from lindungi.core.dates import check_past_facts
from lindungi.notifications.models import Kind, notify
from lindungi.referrals import access, consents, sharing
from lindungi.referrals.models import OPEN_REFERRAL, Referral, ReferralStatus, SharedField

TEXT_MAX = 4000


class OverrideRefused(PermissionDenied):
    """No consent covers the share, and this actor may not override it for this service."""


def _text(data: Mapping[str, object], name: str, required: bool = False) -> str:
    text = str(data.get(name) or "").strip()
    if required and not text:
        raise ValidationError({name: _("This field is required.")})
    if len(text) > TEXT_MAX:
        raise ValidationError({name: _("Write at most 4000 characters.")})
    return text


def _event(referral: Referral, actor: User | None, kind: EventKind, at: datetime) -> None:
    detail = {
        "referral": str(referral.pk),
        "service": referral.service,
        "provider": str(referral.provider_id),
    }
    CaseEvent.objects.create(case_id=referral.case_id, at=at, actor=actor, kind=kind, detail=detail)


def _supervisors(unit_id: uuid.UUID) -> list[User]:
    return list(
        User.objects.filter(
            memberships__unit_id=unit_id, memberships__role=Role.SUPERVISOR, is_active=True
        ).distinct()
    )


def _partner_officers(unit: Unit) -> list[User]:
    return list(
        User.objects.filter(
            memberships__unit=unit, memberships__role=Role.PARTNER_OFFICER, is_active=True
        ).distinct()
    )


def _fields(data: Mapping[str, object], service: str) -> list[str]:
    raw = data.get("fields")
    if raw is None:
        return sharing.defaults(service)
    if not isinstance(raw, list | tuple | set) or not {str(f) for f in raw} <= set(
        SharedField.values
    ):
        raise ValidationError({"fields": _("Choose among the fields a referral may share.")})
    # The survivor code names nobody: every referral carries it, so the partner can say
    # which referral they answer.
    chosen = {str(f) for f in raw} | {SharedField.SURVIVOR_CODE.value}
    return [f for f in SharedField.values if f in chosen]


def may_override(actor: User, case: Case, service: str) -> bool:
    """Whether the deployment lets ``actor`` send this service without a consent."""
    if service not in settings.REFERRAL_OVERRIDE_SERVICES:
        return False
    roles = set(
        Membership.objects.filter(user=actor, unit_id=case.unit_id).values_list("role", flat=True)
    )
    return bool(roles & settings.REFERRAL_OVERRIDE_ROLES)


def _target(data: Mapping[str, object], case: Case) -> tuple[Client, Unit, str]:
    client = data.get("client")
    if not isinstance(client, Client) or client.case_id != case.pk:
        raise ValidationError({"client": _("Choose a person of this case.")})
    provider = data.get("provider")
    if (
        not isinstance(provider, Unit)
        or provider.type != UnitType.PARTNER_AGENCY
        or not provider.is_active
    ):
        raise ValidationError({"provider": _("Choose a partner organisation.")})
    service = str(data.get("service") or "")
    if service not in ServiceType.values:
        raise ValidationError({"service": _("Choose one of the options.")})
    return client, provider, service


@transaction.atomic
def send_referral(
    actor: User,
    case: Case,
    data: Mapping[str, object],
    *,
    override_reason: str = "",
    request: HttpRequest | None = None,
) -> Referral:
    """Refer ``case``'s survivor to a partner for a service, sharing the chosen fields,
    under the consent that covers them; without one, only by an allowed override."""
    case_access.check(actor, case, case_access.Need.EDIT)
    client, provider, service = _target(data, case)
    fields = _fields(data, service)
    purpose = _text(data, "purpose", required=True)
    note = _text(data, "handover_note")
    consent = consents.covers(
        case, client, ConsentPurpose.REFERRAL, provider, sharing.categories(fields), kind=service
    )
    reason = override_reason.strip()
    if consent is None and not reason:
        raise ValidationError(
            _(
                "No consent in force covers this referral: this organisation or service, "
                "and these fields. Record her consent first."
            )
        )
    if consent is None and not may_override(actor, case, service):
        raise OverrideRefused
    now = timezone.now()
    referral = Referral.objects.create(
        case=case,
        client=client,
        provider=provider,
        service=service,
        purpose=purpose,
        fields=fields,
        consent=consent,
        overridden=consent is None,
        override_reason=reason if consent is None else "",
        handover_note=note,
        sent_by=actor,
        sent_at=now,
        accept_by=now + timedelta(days=settings.REFERRAL_ACCEPT_DAYS),
    )
    record(
        "referral.sent",
        request=request,
        actor=actor,
        obj=referral,
        fields=fields,
        reason="emergency_override" if referral.overridden else "",
    )
    _event(referral, actor, EventKind.REFERRAL_SENT, now)
    notify(_partner_officers(provider), Kind.REFERRAL_RECEIVED)
    if referral.overridden:
        notify(_supervisors(case.unit_id), Kind.REFERRAL_OVERRIDDEN, case=case)
    return referral


def _locked(referral: Referral, version: int | None) -> Referral:
    locked = Referral.objects.select_for_update().select_related("case").get(pk=referral.pk)
    if version is not None and locked.version != version:
        raise StaleVersion(locked)
    return locked


def _partner(actor: User, referral: Referral, version: int, states: tuple[str, ...]) -> Referral:
    """The referral locked, if ``actor`` answers it as its partner now (the access rule:
    an officer of its organisation, a consent in force, the referral open)."""
    locked = _locked(referral, version)
    if not access.is_partner_side(actor, locked) or not access.may(
        actor, locked, case_access.Need.EDIT
    ):
        raise PermissionDenied
    if locked.status not in states:
        raise ValidationError(_("This referral cannot take this step now."))
    return locked


def _save(
    actor: User,
    referral: Referral,
    status: str,
    kind: EventKind,
    action: str,
    request: HttpRequest | None,
    changed: list[str],
) -> Referral:
    now = timezone.now()
    referral.status = status
    referral.version += 1
    if status not in OPEN_REFERRAL:
        referral.ended_at, referral.ended_by = now, actor
        changed += ["ended_at", "ended_by"]
    referral.save(update_fields=[*changed, "status", "version", "updated_at"])
    record(action, request=request, actor=actor, obj=referral, fields=[*changed, "status"])
    _event(referral, actor, kind, now)
    return referral


def _tell_sender(referral: Referral, kind: Kind) -> None:
    """The sender hears of each answer; their unit's supervisors if they have left."""
    sender = referral.sent_by
    to = [sender] if sender.is_active else _supervisors(referral.case.unit_id)
    notify(to, kind, case=referral.case)


@transaction.atomic
def accept(
    actor: User, referral: Referral, version: int, *, request: HttpRequest | None = None
) -> Referral:
    locked = _partner(actor, referral, version, (ReferralStatus.SENT,))
    locked.answered_by, locked.answered_at = actor, timezone.now()
    saved = _save(
        actor,
        locked,
        ReferralStatus.ACCEPTED,
        EventKind.REFERRAL_ACCEPTED,
        "referral.accepted",
        request,
        ["answered_by", "answered_at"],
    )
    _tell_sender(saved, Kind.REFERRAL_ANSWERED)
    return saved


@transaction.atomic
def decline(
    actor: User,
    referral: Referral,
    version: int,
    reason: str,
    *,
    request: HttpRequest | None = None,
) -> Referral:
    locked = _partner(actor, referral, version, (ReferralStatus.SENT,))
    locked.decline_reason = _text({"decline_reason": reason}, "decline_reason", required=True)
    locked.answered_by, locked.answered_at = actor, timezone.now()
    saved = _save(
        actor,
        locked,
        ReferralStatus.DECLINED,
        EventKind.REFERRAL_DECLINED,
        "referral.declined",
        request,
        ["decline_reason", "answered_by", "answered_at"],
    )
    _tell_sender(saved, Kind.REFERRAL_ANSWERED)
    return saved


WORKING = (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS)


@transaction.atomic
def record_progress(
    actor: User,
    referral: Referral,
    version: int,
    progress: str,
    *,
    request: HttpRequest | None = None,
) -> Referral:
    locked = _partner(actor, referral, version, WORKING)
    locked.progress = _text({"progress": progress}, "progress", required=True)
    saved = _save(
        actor,
        locked,
        ReferralStatus.IN_PROGRESS,
        EventKind.REFERRAL_PROGRESS,
        "referral.progress",
        request,
        ["progress"],
    )
    _tell_sender(saved, Kind.REFERRAL_ANSWERED)
    return saved


def _given_on(value: object) -> date:
    if not isinstance(value, date):
        raise ValidationError({"outcome_on": _("Give the date the service was given.")})
    check_past_facts(outcome_on=value)
    return value


@transaction.atomic
def record_outcome(
    actor: User,
    referral: Referral,
    version: int,
    data: Mapping[str, object],
    *,
    request: HttpRequest | None = None,
) -> Referral:
    """The partner reports what was done (e.g. the visum, on a date; a police report
    number): the referral is done, and the partner's access to it ends but for this."""
    locked = _partner(actor, referral, version, WORKING)
    locked.outcome = _text(data, "outcome", required=True)
    locked.outcome_on = _given_on(data.get("outcome_on"))
    locked.outcome_reference = _text(data, "outcome_reference")[:100]
    saved = _save(
        actor,
        locked,
        ReferralStatus.DONE,
        EventKind.REFERRAL_DONE,
        "referral.done",
        request,
        ["outcome", "outcome_on", "outcome_reference"],
    )
    _tell_sender(saved, Kind.REFERRAL_ANSWERED)
    return saved


@transaction.atomic
def revoke(
    actor: User, referral: Referral, version: int, *, request: HttpRequest | None = None
) -> Referral:
    """The sender's side takes a referral back, at any time before it is done: whoever
    may edit the case, whatever became of the partner's people."""
    locked = _locked(referral, version)
    case_access.check(actor, locked.case, case_access.Need.EDIT)
    if locked.status not in OPEN_REFERRAL:
        raise ValidationError(_("This referral cannot take this step now."))
    return _save(
        actor,
        locked,
        ReferralStatus.REVOKED,
        EventKind.REFERRAL_REVOKED,
        "referral.revoked",
        request,
        [],
    )


def expire_overdue(now: datetime | None = None) -> int:
    """Expire the referrals nobody accepted in time (``lindungi worker``); each sender is
    told. Returns how many expired."""
    now = now or timezone.now()
    due = list(
        Referral.objects.filter(status=ReferralStatus.SENT, accept_by__lte=now).values_list(
            "pk", flat=True
        )
    )
    expired = 0
    for pk in due:
        with transaction.atomic():
            referral = (
                Referral.objects.select_for_update().select_related("case", "sent_by").get(pk=pk)
            )
            if referral.status != ReferralStatus.SENT:
                continue  # answered meanwhile
            referral.status = ReferralStatus.EXPIRED
            referral.ended_at = now
            referral.version += 1
            referral.save(update_fields=["status", "ended_at", "version", "updated_at"])
            record("referral.expired", obj=referral, fields=["status"])
            _event(referral, None, EventKind.REFERRAL_EXPIRED, now)
            _tell_sender(referral, Kind.REFERRAL_EXPIRED)
            expired += 1
    return expired


@transaction.atomic
def review_override(
    actor: User,
    referral: Referral,
    version: int,
    note: str,
    *,
    request: HttpRequest | None = None,
) -> Referral:
    """A supervisor of the case's unit, not the one who sent it, reviews an override."""
    locked = _locked(referral, version)
    case_access.check(actor, locked.case, case_access.Need.SUPERVISE)
    if not locked.overridden or locked.override_reviewed_at is not None:
        raise ValidationError(_("This referral does not wait for a review."))
    if locked.sent_by_id == actor.pk:
        raise PermissionDenied
    now = timezone.now()
    locked.override_reviewed_by, locked.override_reviewed_at = actor, now
    locked.override_review_note = _text({"note": note}, "note")
    changed = ["override_reviewed_by", "override_reviewed_at", "override_review_note"]
    locked.version += 1
    locked.save(update_fields=[*changed, "version", "updated_at"])
    record("referral.override_reviewed", request=request, actor=actor, obj=locked, fields=changed)
    _event(locked, actor, EventKind.REFERRAL_OVERRIDE_REVIEWED, now)
    return locked
