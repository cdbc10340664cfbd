"""Consent actions: record a consent, withdraw it.

Each checks the actor through the access module (``access.check``: those who may edit the
case), locks what it changes, and writes the record, the audit row (ids and field names)
and the case's timeline entry in one transaction. Withdrawal counts at once: every share
asks ``consents.covers`` again on each read.
"""

from collections.abc import Mapping
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Min
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from lindungi.accounts.models import Unit, User
from lindungi.accounts.roles import UnitType
from lindungi.audit.events import record
from lindungi.cases import access as case_access
from lindungi.cases.actions import StaleVersion
from lindungi.cases.classification import CHILD_UNDER
from lindungi.cases.models import (
    Case,
    CaseEvent,
    Client,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    DataCategory,
    GivenBy,
)
from lindungi.cases.timeline import EventKind
from lindungi.casework.models import ServiceType
from lindungi.core.dates import check_plans


def _event(consent: Consent, actor: User | None, kind: EventKind, at: datetime) -> None:
    CaseEvent.objects.create(
        case_id=consent.case_id,
        at=at,
        actor=actor,
        kind=kind,
        detail={"consent": str(consent.pk), "purpose": consent.purpose},
    )


def _choice(
    data: Mapping[str, object], name: str, choices: type[models.TextChoices], default: str = ""
) -> str:
    value = str(data.get(name) or default)
    if value not in choices.values:
        raise ValidationError({name: _("Choose one of the options.")})
    return value


def _recipient(data: Mapping[str, object], purpose: str) -> tuple[Unit | None, str]:
    """A referral consent names a partner organisation or a kind of service; others none."""
    if purpose != ConsentPurpose.REFERRAL:
        return None, ""
    unit = data.get("recipient")
    kind = str(data.get("recipient_kind") or "")
    if unit is not None and (not isinstance(unit, Unit) or unit.type != UnitType.PARTNER_AGENCY):
        raise ValidationError({"recipient": _("Choose a partner organisation.")})
    if kind and kind not in ServiceType.values:
        raise ValidationError({"recipient_kind": _("Choose one of the options.")})
    if unit is None and not kind:
        raise ValidationError(
            {"recipient": _("Name the organisation, or the kind of service, it may go to.")}
        )
    return unit, kind


def _categories(data: Mapping[str, object]) -> list[str]:
    raw = data.get("categories") or []
    if not isinstance(raw, list | tuple | set) or not {str(c) for c in raw} <= set(
        DataCategory.values
    ):
        raise ValidationError({"categories": _("Choose among the data categories.")})
    return sorted({str(c) for c in raw})


def _is_child(client: Client) -> bool:
    age = client.age_on(timezone.localdate())
    return age is not None and age < CHILD_UNDER


def _giver(data: Mapping[str, object], client: Client) -> tuple[str, str, str]:
    """Who gave it, their name unless the survivor, and a child's own view."""
    given_by = _choice(data, "given_by", GivenBy, GivenBy.SURVIVOR)
    name = str(data.get("given_by_name") or "").strip()
    child_view = str(data.get("child_view") or "").strip()
    if given_by != GivenBy.SURVIVOR and not name:
        raise ValidationError({"given_by_name": _("Write the name of who gave it.")})
    if given_by != GivenBy.SURVIVOR and _is_child(client) and not child_view:
        raise ValidationError({"child_view": _("Record the child's own view too.")})
    return given_by, name, child_view


def first_report(case: Case) -> datetime:
    """When the case was first reported: its earliest intake report's receipt, or, for a
    case opened without one, its opening. No consent on it was given before."""
    received = case.accounts.aggregate(first=Min("received_at"))["first"]
    return min(received, case.opened_at) if received else case.opened_at


def _given_at(data: Mapping[str, object], case: Case, now: datetime) -> datetime:
    """When it was given: now unless said; never in the future, nor before the case's
    first report (to the minute: the form's time has no seconds, and a consent taken in
    the minute the case opened was not given before it)."""
    given_at = data.get("given_at") or now
    if not isinstance(given_at, datetime) or given_at > now:
        raise ValidationError({"given_at": _("The time it was given cannot be in the future.")})
    earliest = first_report(case).replace(second=0, microsecond=0)
    if given_at < earliest:
        when = date_format(timezone.localtime(earliest), "DATETIME_FORMAT")
        raise ValidationError(
            {
                "given_at": _(
                    "It cannot have been given before the case was first reported (%(when)s)."
                )
                % {"when": when}
            }
        )
    return given_at


def _valid_until(data: Mapping[str, object], given_at: datetime) -> date | None:
    until = data.get("valid_until")
    if until is None or until == "":
        return None
    if not isinstance(until, date):
        raise ValidationError({"valid_until": _("Enter a valid date.")})
    check_plans(valid_until=until)
    if until < timezone.localdate(given_at):
        raise ValidationError(
            {"valid_until": _("The end must be on or after the day it is given.")}
        )
    return until


@transaction.atomic
def record_consent(
    actor: User | None,
    case: Case,
    data: Mapping[str, object],
    *,
    request: HttpRequest | None = None,
    checked: bool = False,
) -> Consent:
    """Record a consent on ``case``. ``checked`` is for the intake hand-down only: the case
    was opened in the same transaction by an action that checked its actor."""
    if not checked:
        case_access.check(actor, case, case_access.Need.EDIT)  # type: ignore[arg-type]
    client = data.get("client")
    if not isinstance(client, Client) or client.case_id != case.pk:
        raise ValidationError({"client": _("Choose a person of this case.")})
    purpose = _choice(data, "purpose", ConsentPurpose)
    recipient, kind = _recipient(data, purpose)
    given_by, name, child_view = _giver(data, client)
    now = timezone.now()
    given_at = _given_at(data, case, now)
    consent = Consent.objects.create(
        case=case,
        client=client,
        purpose=purpose,
        recipient=recipient,
        recipient_kind=kind,
        categories=_categories(data),
        given_by=given_by,
        given_by_name=name,
        child_view=child_view,
        how=_choice(data, "how", ConsentMethod, ConsentMethod.SPOKEN),
        given_at=given_at,
        valid_until=_valid_until(data, given_at),
        recorded_by=actor,
    )
    record("consent.recorded", request=request, actor=actor, obj=consent, fields=[purpose])
    _event(consent, actor, EventKind.CONSENT_RECORDED, now)
    return consent


@transaction.atomic
def withdraw_consent(
    actor: User,
    consent: Consent,
    version: int,
    *,
    request: HttpRequest | None = None,
) -> Consent:
    """Withdraw ``consent`` now: everything it covered stops at once."""
    case_access.check(actor, consent.case, case_access.Need.EDIT)
    locked = Consent.objects.select_for_update().get(pk=consent.pk)
    if locked.version != version:
        raise StaleVersion(locked)
    if locked.withdrawn_at is not None:
        raise ValidationError(_("This consent was already withdrawn."))
    now = timezone.now()
    locked.withdrawn_at = now
    locked.withdrawn_by = actor
    locked.version += 1
    locked.save(update_fields=["withdrawn_at", "withdrawn_by", "version", "updated_at"])
    record("consent.withdrawn", request=request, actor=actor, obj=locked, fields=[locked.purpose])
    _event(locked, actor, EventKind.CONSENT_WITHDRAWN, now)
    return locked
