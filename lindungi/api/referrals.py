"""The consents, referrals and provider directory API.

The same contract as the pages (``lindungi.referrals.views``): a case's consents and
referrals through the case's choke point, a referral through the referral rule (its case's
people; the partner's officers while a consent in force covers it), so anything out of
scope is an audited 404; every write through an action, which asks the consent on the
server. A client cannot send ``overridden``: unknown fields are refused (422), and the send
action alone decides an emergency override from the consent records and the settings. A
change to a consent or a referral needs its ETag in If-Match (428 without, 412 stale).
"""

import uuid
from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status as Reply

from lindungi.accounts.models import Unit
from lindungi.api.auth import StaffRequest
from lindungi.api.case_schemas import Input, RecordId, RegionCode, local_moment
from lindungi.api.cases import CREATE, READ, WRITE
from lindungi.api.versions import etag, list_etag, read_all, required_version
from lindungi.audit.events import record_read
from lindungi.cases.access import Need, get_case_for, get_case_part_for
from lindungi.cases.models import Case, ConsentMethod, ConsentPurpose, DataCategory, GivenBy
from lindungi.cases.models import Consent as ConsentRecord
from lindungi.casework.models import ServiceType
from lindungi.core.dates import check_past_facts
from lindungi.referrals import actions, directory, sharing
from lindungi.referrals.access import (
    awaiting_review,
    get_referral_for,
    is_partner_side,
    may,
    partner_units,
)
from lindungi.referrals.forms import partner_units as partner_organisations
from lindungi.referrals.models import Referral, ReferralStatus, SharedField

router = Router(tags=["consents and referrals"])
Body = dict[str, Any]
Text = Field("", max_length=4000)


class ConsentIn(Input):
    client: RecordId | None = Field(None, description="A person of the case.")
    purpose: ConsentPurpose | None = None
    recipient: RecordId | None = Field(None, description="A partner organisation (a unit).")
    recipient_kind: ServiceType | Literal[""] | None = Field(
        None, description="Or any organisation giving this service."
    )
    categories: list[DataCategory] = Field([], max_length=len(DataCategory.values))
    given_by: GivenBy | None = None
    given_by_name: str = Field("", max_length=200)
    child_view: str = Text
    how: ConsentMethod | None = None
    given_at: datetime | None = Field(
        None, description="When it was given; left out: now. Not before the case's first report."
    )
    valid_until: date | None = None


class WithdrawalIn(Input):
    """Nothing but the consent's ETag in If-Match: a withdrawal needs no reason."""


class ConsentOut(Schema):
    id: uuid.UUID
    client: uuid.UUID | None = Field(description="Empty: the case as a whole (from intake).")
    purpose: ConsentPurpose
    recipient: uuid.UUID | None
    recipient_kind: str
    categories: list[str]
    given_by: GivenBy
    given_by_name: str
    child_view: str
    how: ConsentMethod
    given_at: datetime
    valid_until: date | None
    withdrawn_at: datetime | None
    in_force: bool
    version: int


class ReferralIn(Input):
    client: RecordId | None = Field(None, description="The survivor referred.")
    provider: RecordId | None = Field(None, description="A partner organisation (a unit).")
    service: ServiceType | None = None
    purpose: str = Text
    fields: list[SharedField] | None = Field(
        None,
        max_length=len(SharedField.values),
        description="What the partner may see; left out: the service's defaults.",
    )
    handover_note: str = Text
    override_reason: str = Field(
        "",
        max_length=4000,
        description="Only without a covering consent, where the deployment allows it.",
    )


class ReferralOut(Schema):
    id: uuid.UUID
    case: uuid.UUID | None = Field(description="Only for the case's own side.")
    provider: uuid.UUID
    service: ServiceType
    status: ReferralStatus
    sent_at: datetime
    accept_by: datetime
    fields: list[str]
    shared: dict[str, Any] = Field(description="The shared fields' values, when you may read.")
    purpose: str
    handover_note: str
    overridden: bool | None
    override_reason: str = Field(description="The case's side only, with its content.")
    override_reviewed_at: datetime | None = Field(description="The case's side only.")
    decline_reason: str
    progress: str
    outcome: str
    outcome_on: date | None
    outcome_reference: str
    version: int


class ReferralStepIn(Input):
    step: Literal["accept", "decline", "progress", "done", "revoke"] | None = None
    reason: str = Text
    progress: str = Text
    outcome: str = Text
    outcome_on: date | None = None
    outcome_reference: str = Field("", max_length=100)


class OverrideReviewIn(Input):
    note: str = Text


class ProviderOut(Schema):
    organisation: uuid.UUID
    name: str
    services: list[str]
    regions: list[str]
    opening_hours: str
    accessibility: list[str]
    accessibility_note: str
    staff_contact: str


def _consent(consent: ConsentRecord, live: set[uuid.UUID]) -> Body:
    names = ("purpose", "recipient_kind", "categories", "given_by", "given_by_name")
    return {
        "id": consent.pk,
        "client": consent.client_id,
        "recipient": consent.recipient_id,
        **{name: getattr(consent, name) for name in names},
        **{name: getattr(consent, name) for name in ("child_view", "how", "given_at")},
        "valid_until": consent.valid_until,
        "withdrawn_at": consent.withdrawn_at,
        "in_force": consent.pk in live,
        "version": consent.version,
    }


def _in_force(rows: list[ConsentRecord]) -> set[uuid.UUID]:
    return set(
        ConsentRecord.objects.in_force()
        .filter(pk__in=[r.pk for r in rows])
        .values_list("pk", flat=True)
    )


def _referral(request: StaffRequest, referral: Referral) -> Body:
    user = request.auth
    partner = is_partner_side(user, referral)
    content = may(user, referral, Need.CONTENT)
    shared = {field: value for field, _label, value in sharing.shown(referral)} if content else {}
    plain = ("service", "status", "sent_at", "accept_by", "fields", "outcome_on", "version")
    told = ("decline_reason", "progress", "outcome", "outcome_reference")
    return {
        "id": referral.pk,
        "case": None if partner else referral.case_id,
        "provider": referral.provider_id,
        **{name: getattr(referral, name) for name in (*plain, *told)},
        "shared": {k: str(v) if v is not None else None for k, v in shared.items()},
        "purpose": referral.purpose if content else "",
        "handover_note": referral.handover_note if content and referral.is_open else "",
        "overridden": None if partner else referral.overridden,
        "override_reason": referral.override_reason if content and not partner else "",
        "override_reviewed_at": None if partner else referral.override_reviewed_at,
    }


def _case_person(case: Case, value: str | None, field: str) -> Any:
    pk = _uuid(value)
    found = case.clients.filter(pk=pk).first() if pk else None
    if value and found is None:
        raise ValidationError({field: _("Choose a person of this case.")})
    return found


def _organisation(value: str | None, field: str) -> Unit | None:
    pk = _uuid(value)
    found = partner_organisations().filter(pk=pk).first() if pk else None
    if value and found is None:
        raise ValidationError({field: _("Choose a partner organisation.")})
    return found


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


# --- Consents ----------------------------------------------------------------------------


@router.get(
    "/cases/{case_id}/consents", response={200: list[ConsentOut], **READ}, url_name="case_consents"
)
def list_consents(request: StaffRequest, case_id: RecordId, response: HttpResponse) -> list[Body]:
    access = get_case_for(request.auth, case_id, Need.CONTENT, request=request)
    rows = list(ConsentRecord.objects.restrict(request.auth, Need.CONTENT).filter(case=access.case))
    for row in rows:
        record_read(request, row)
    response["ETag"] = list_etag(rows)
    live = _in_force(rows)
    return [_consent(row, live) for row in rows]


@router.post(
    "/cases/{case_id}/consents", response={201: ConsentOut, **CREATE}, url_name="case_consents"
)
def add_consent(
    request: StaffRequest, case_id: RecordId, payload: ConsentIn, response: HttpResponse
) -> Reply:
    """Record a consent: for a referral, name the organisation or the kind of service."""
    case = get_case_for(request.auth, case_id, Need.EDIT, request=request).case
    data = payload.dict()
    data["client"] = _case_person(case, payload.client, "client")
    data["recipient"] = _organisation(payload.recipient, "recipient")
    data["given_at"] = payload.given_at and local_moment(payload.given_at)
    consent = actions.record_consent(request.auth, case, data, request=request)
    response["ETag"] = etag(consent.version)
    response["Location"] = reverse("api:consent", args=[consent.pk])
    return Reply(201, _consent(consent, _in_force([consent])))


@router.get("/consents/{consent_id}", response={200: ConsentOut, **READ}, url_name="consent")
def read_consent(request: StaffRequest, consent_id: RecordId, response: HttpResponse) -> Body:
    _access, consent = get_case_part_for(
        request.auth, ConsentRecord, consent_id, Need.CONTENT, request=request
    )
    record_read(request, consent)
    response["ETag"] = etag(consent.version)
    return _consent(consent, _in_force([consent]))


@router.post(
    "/consents/{consent_id}/withdrawal",
    response={200: ConsentOut, **WRITE},
    url_name="consent_withdrawal",
)
def withdraw(
    request: StaffRequest, consent_id: RecordId, payload: WithdrawalIn, response: HttpResponse
) -> Body:
    """Withdraw the consent now: everything it covered stops at once. Send its ETag."""
    _access, consent = get_case_part_for(
        request.auth, ConsentRecord, consent_id, Need.EDIT, request=request
    )
    consent = actions.withdraw_consent(
        request.auth, consent, required_version(request), request=request
    )
    response["ETag"] = etag(consent.version)
    return _consent(consent, set())


# --- Referrals ---------------------------------------------------------------------------


@router.get("/referrals", response={200: list[ReferralOut], **READ}, url_name="referrals")
def list_referrals(request: StaffRequest, response: HttpResponse) -> list[Body]:
    """The referrals to your partner organisation that you may see (the partner's list)."""
    rows = list(
        Referral.objects.restrict(request.auth, Need.VIEW)
        .filter(provider_id__in=partner_units(request.auth))
        .select_related("case", "client")
        .order_by("-sent_at")[:200]
    )
    response["ETag"] = list_etag(rows)
    return [_referral(request, row) for row in rows]


@router.get(
    "/cases/{case_id}/referrals",
    response={200: list[ReferralOut], **READ},
    url_name="case_referrals",
)
def list_case_referrals(
    request: StaffRequest, case_id: RecordId, response: HttpResponse
) -> list[Body]:
    access = get_case_for(request.auth, case_id, Need.CONTENT, request=request)
    rows = list(
        Referral.objects.restrict(request.auth, Need.CONTENT)
        .filter(case=access.case)
        .select_related("case", "client")
    )
    return read_all(request, response, rows, lambda row: _referral(request, row))


@router.post(
    "/cases/{case_id}/referrals",
    response={201: ReferralOut, **CREATE},
    url_name="case_referrals",
)
def send(
    request: StaffRequest, case_id: RecordId, payload: ReferralIn, response: HttpResponse
) -> Reply:
    """Send a referral under the consent that covers it (403 for an override you may not
    make)."""
    case = get_case_for(request.auth, case_id, Need.EDIT, request=request).case
    data = payload.dict()
    data["client"] = _case_person(case, payload.client, "client")
    data["provider"] = _organisation(payload.provider, "provider")
    override = data.pop("override_reason")
    referral = actions.send_referral(
        request.auth, case, data, override_reason=override, request=request
    )
    response["ETag"] = etag(referral.version)
    response["Location"] = reverse("api:referral", args=[referral.pk])
    return Reply(201, _referral(request, referral))


@router.get("/referrals/{referral_id}", response={200: ReferralOut, **READ}, url_name="referral")
def read_referral(request: StaffRequest, referral_id: RecordId, response: HttpResponse) -> Body:
    referral = get_referral_for(request.auth, referral_id, Need.VIEW, request=request)
    record_read(request, referral)
    response["ETag"] = etag(referral.version)
    return _referral(request, referral)


@router.post(
    "/referrals/{referral_id}/steps",
    response={200: ReferralOut, **WRITE},
    url_name="referral_steps",
)
def take_step(
    request: StaffRequest, referral_id: RecordId, payload: ReferralStepIn, response: HttpResponse
) -> Body:
    """The partner accepts, declines (with a reason), records progress or the outcome
    (``done``); the case's side revokes. Send the referral's ETag."""
    user = request.auth
    referral = get_referral_for(user, referral_id, Need.EDIT, request=request)
    check_past_facts(outcome_on=payload.outcome_on)  # a day that cannot be, before the version
    version = required_version(request)
    if payload.step is None:
        raise ValidationError({"step": _("This field is required.")})
    steps = {
        "accept": lambda: actions.accept(user, referral, version, request=request),
        "decline": lambda: actions.decline(
            user, referral, version, payload.reason, request=request
        ),
        "progress": lambda: actions.record_progress(
            user, referral, version, payload.progress, request=request
        ),
        "done": lambda: actions.record_outcome(
            user, referral, version, payload.dict(), request=request
        ),
        "revoke": lambda: actions.revoke(user, referral, version, request=request),
    }
    referral = steps[payload.step]()
    response["ETag"] = etag(referral.version)
    return _referral(request, referral)


@router.get(
    "/referral-overrides",
    response={200: list[ReferralOut], **READ},
    url_name="referral_overrides",
)
def list_overrides(request: StaffRequest, response: HttpResponse) -> list[Body]:
    """The supervisor's review queue: the referrals sent by emergency override, without a
    covering consent, that you may review (on cases you supervise, sent by someone else)."""
    rows = list(
        awaiting_review(request.auth).select_related("case", "client").order_by("sent_at")[:200]
    )
    return read_all(request, response, rows, lambda row: _referral(request, row))


@router.post(
    "/referrals/{referral_id}/override-review",
    response={200: ReferralOut, **WRITE},
    url_name="referral_override_review",
)
def review_override(
    request: StaffRequest, referral_id: RecordId, payload: OverrideReviewIn, response: HttpResponse
) -> Body:
    """Review an emergency override (a supervisor of the case, not its sender), with an
    optional note. Send the referral's ETag."""
    referral = get_referral_for(request.auth, referral_id, Need.SUPERVISE, request=request)
    version = required_version(request)
    referral = actions.review_override(
        request.auth, referral, version, payload.note, request=request
    )
    response["ETag"] = etag(referral.version)
    return _referral(request, referral)


# --- The directory -----------------------------------------------------------------------


@router.get("/providers", response={200: list[ProviderOut], **READ}, url_name="providers")
def list_providers(
    request: StaffRequest, service: ServiceType | None = None, region: RegionCode | None = None
) -> list[Body]:
    """Partner organisations giving ``service`` in ``region`` (a kota or kecamatan code)."""
    found = directory.search(service or "", region or "")
    return [
        {
            "organisation": p.unit_id,
            "name": p.unit.name,
            "services": p.services,
            "regions": [r.code for r in p.regions.all()],
            **{
                name: getattr(p, name)
                for name in ("opening_hours", "accessibility", "accessibility_note")
            },
            "staff_contact": p.staff_contact,
        }
        for p in found
    ]
