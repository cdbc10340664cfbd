"""The intake API for integrations: ``POST /api/v1/reports``.

Authenticated by an integration's API key (``Authorization: Bearer <key>``), scoped to
this router only, every use audited by the key's id: a report made by the report's own
event, which names the key (one event, in the report's transaction), any other answer
(invalid, refused, replayed) by an ``apikey.use`` event after it (``audited_use``).
Retries are safe with an ``Idempotency-Key`` header (``lindungi.core.once``, as Stripe
documents it). The answer names the report (id, reference) and its triage (risk, due_at)
and echoes nothing personal back.
"""

from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from typing import Annotated, Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Header, Router, Schema
from ninja.decorators import decorate_view
from ninja.security import HttpBearer
from pydantic import StrictBool, StrictInt, StringConstraints

from lindungi.api.case_schemas import Input, RegionCode, WgAnswer
from lindungi.api.errors import ErrorOut
from lindungi.audit.events import record
from lindungi.cases.safe_contact import SafeChannel
from lindungi.cases.vocabulary import Accommodation, Sex
from lindungi.core.blind_index import normalise_phone
from lindungi.core.once import KeyReused, Replayed, SubmitOnce, digest_of
from lindungi.intake import actions, apikeys
from lindungi.intake.models import ApiKey, Channel, Report, ReporterType
from lindungi.intake.public_forms import MAX_STORY
from lindungi.intake.risk import Risk
from lindungi.places.villages import village


class IntegrationKey(HttpBearer):
    """An integration's API key in ``Authorization: Bearer``; intake scope only."""

    openapi_description = "An integration's API key (`lindungi apikey create NAME`)."

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        return apikeys.verify_key(token)


class IntegrationRequest(HttpRequest):
    """A request as a route behind ``IntegrationKey`` sees it: django-ninja puts the key that
    ``authenticate`` returned on ``auth``; ``use_audited`` is set once an event of the
    request's own transaction has recorded the key's use. A type for the checker: no such
    class is made."""

    auth: ApiKey
    use_audited: bool


def audited_use(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wraps a route's whole run (authentication, the body's validation, the view, its
    errors): a key that authenticated and whose use no event of the view recorded (the body
    was invalid, the key reused, the answer replayed, the action refused) gets its
    ``apikey.use`` event after the answer is made."""

    operation = run.__self__  # type: ignore[attr-defined] # the route, in the API it is in

    @wraps(run)
    def audited(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        response = run(request, **kwargs)
        api_key = getattr(request, "auth", None)
        if isinstance(api_key, ApiKey) and not getattr(request, "use_audited", False):
            try:
                record("apikey.use", request=request, obj=api_key)
            except DatabaseError as error:
                return operation.api.on_exception(request, error)
        return response

    return audited


router = Router(tags=["intake"], auth=IntegrationKey())
# The Idempotency-Key's scope in lindungi.core.once; its owner is the integration's key.
SCOPE = "api.reports"
MAX_KEY_LENGTH = 255


# Strict: a number or a list where text belongs is refused, not turned into text.
Text32 = Annotated[str, StringConstraints(strict=True, max_length=32)]
Text100 = Annotated[str, StringConstraints(strict=True, max_length=100)]
Text200 = Annotated[str, StringConstraints(strict=True, max_length=200)]
Text254 = Annotated[str, StringConstraints(strict=True, max_length=254)]
Text500 = Annotated[str, StringConstraints(strict=True, max_length=500)]


class PersonIn(Input):
    name: Text200 = ""
    age: Annotated[StrictInt, Field(ge=0, le=120)] | None = None
    age_is_estimate: StrictBool = False
    sex: Sex = Sex.UNKNOWN
    wg_seeing: WgAnswer = ""
    wg_hearing: WgAnswer = ""
    wg_walking: WgAnswer = ""
    wg_remembering: WgAnswer = ""
    wg_self_care: WgAnswer = ""
    wg_communicating: WgAnswer = ""
    accommodations: Annotated[list[Accommodation], Field(max_length=10)] = []


Clock = Annotated[str, StringConstraints(strict=True, pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]


class WindowIn(Input):
    days: Annotated[
        list[Annotated[StrictInt, Field(ge=1, le=7)]], Field(min_length=1, max_length=7)
    ] = Field(description="ISO weekdays: 1 is Monday, 7 is Sunday.")
    start: Clock = Field(description="HH:MM, in the deployment's time zone.")
    end: Clock = Field(
        description="HH:MM; an end not after the start runs over midnight into the next day."
    )


class ReportIn(Input):
    channel: Channel = Field(
        Channel.API, description="How the report reached the integration (112 call, ...)."
    )
    reporter_type: ReporterType | None = None
    reporter_relation: Text100 = ""
    reporter_name: Text200 = ""
    contact_phone: Text32 = Field("", description="Indonesian numbers as typed: 0812...")
    contact_email: Text254 = ""
    what_happened: Annotated[
        str, StringConstraints(strict=True, min_length=1, max_length=MAX_STORY)
    ]
    occurred_on: date | None = Field(None, description="Not in the future.")
    occurred_estimate: Text100 = ""
    kelurahan: RegionCode | None = Field(None, description="Kemendagri kelurahan/desa code.")
    street_detail: Text500 = ""
    people_affected: Annotated[StrictInt, Field(ge=0, le=1000)] | None = None
    in_danger_now: StrictBool | None = None
    perpetrator_nearby: StrictBool | None = None
    weapon_or_threat: StrictBool | None = None
    injuries: StrictBool | None = None
    child_alone: StrictBool | None = None
    self_harm: StrictBool | None = None
    sexual_violence_72h: StrictBool | None = None
    safe_channels: Annotated[list[SafeChannel], Field(max_length=5)] = []
    contact_windows: dict[SafeChannel, Annotated[list[WindowIn], Field(max_length=7)]] = Field(
        {},
        description=(
            "When each safe channel may be used, e.g. "
            '`{"call": [{"days": [1, 2, 3, 4, 5], "start": "08:00", "end": "17:00"}]}`. '
            "Only for channels listed in `safe_channels`; a safe channel without windows "
            "is safe at any time."
        ),
    )
    safe_times: Text200 = Field("", description="What the windows cannot say, as said.")
    code_word: Text100 = ""
    voicemail_safe: StrictBool | None = None
    safe_person_name: Text200 = Field("", description="Someone safe to contact instead.")
    safe_person_phone: Text32 = ""
    safe_person_relation: Text100 = ""
    consent_contact: StrictBool = False
    consent_services: StrictBool = False
    consent_statistics: StrictBool = Field(
        False, description="She agrees that non-identifying data is counted in the statistics."
    )
    people: Annotated[list[PersonIn], Field(max_length=20)] = []


class ReportOut(Schema):
    id: UUID
    reference: str = Field(description="Readable over the phone, e.g. LP-7K3M9-QXR2T.")
    risk: Risk
    due_at: datetime = Field(description="Respond by this time (UTC).")


IDEMPOTENCY_HELP = (
    "Optional but recommended: a unique value per report (a UUID). A retry with the same "
    "key and body gets the first answer again (header `Idempotent-Replayed: true`) and makes "
    "no second report; the same key with another body answers 422. A request sent while the "
    "first with its key is still running waits for it and gets its answer; if the first "
    "failed or never finished (a crash), the retry makes the report. Keys are kept for "
    f"{settings.SUBMIT_ONCE_KEEP.total_seconds() / 3600:g} hours."
)


def _report_data(payload: ReportIn) -> dict[str, Any]:
    """The action's fields from the payload; the checks a schema cannot make, field by
    field, all at once."""
    data = payload.model_dump(exclude={"people"})
    data["contact_windows"] = payload.model_dump(mode="json")["contact_windows"]
    errors: dict[str, list[str]] = {}
    if data["kelurahan"]:
        region = village(data["kelurahan"])
        if region is None:
            errors["kelurahan"] = [_("Unknown kelurahan code.")]
        data["kelurahan"] = region
    for name in ("contact_phone", "safe_person_phone"):
        if data[name].strip():
            try:
                data[name] = normalise_phone(data[name])
            except ValidationError as error:
                errors[name] = error.messages
    if data["contact_email"]:
        try:
            validate_email(data["contact_email"])
        except ValidationError:
            errors["contact_email"] = [_("Enter a valid email address.")]
    if not data["what_happened"].strip():
        errors["what_happened"] = [_("Say briefly what happened.")]
    if data["reporter_type"] is None:
        data["reporter_type"] = ""
    if errors:
        raise ValidationError(errors)
    return data


def _people(payload: ReportIn) -> list[dict[str, Any]]:
    return [person.model_dump() for person in payload.people]


@router.post(
    "",
    response={
        201: ReportOut,
        400: ErrorOut,
        401: ErrorOut,
        422: ErrorOut,
        503: ErrorOut,
    },
    summary="Send a report",
    description=(
        "A report from an integration joins the triage queue at once, with its risk "
        "computed from the screening answers. Errors use the API's error format, with "
        "`errors` listing messages field by field."
    ),
)
@decorate_view(audited_use)
def create_report(
    request: IntegrationRequest,
    payload: ReportIn,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", description=IDEMPOTENCY_HELP)
    ] = None,
) -> JsonResponse:
    api_key = request.auth
    data = _report_data(payload)
    people = _people(payload)
    once = None
    if idempotency_key is not None:
        if not _valid_key(idempotency_key):
            return _refusal(
                400,
                "idempotency_key_invalid",
                _("Send an Idempotency-Key of 1 to 255 printable ASCII characters."),
            )
        once = SubmitOnce(
            SCOPE,
            f"apikey:{api_key.pk}",
            idempotency_key,
            digest_of(payload.model_dump(mode="json")),
            answer=_answer,
        )
    try:
        report = actions.receive_api_report(api_key, data, people, once=once, request=request)
    except Replayed as earlier:
        # The very bytes the first answer sent: the stored body, not a new rendering of it.
        response = JsonResponse(earlier.outcome["body"], status=earlier.outcome["status"])
        response["Idempotent-Replayed"] = "true"
        return response
    except KeyReused:
        return _refusal(
            422,
            "idempotency_key_reused",
            _("This Idempotency-Key was used with a different request. Use a new key."),
        )
    request.use_audited = True  # the report's event names the key (the action's reason)
    outcome = once.outcome if once is not None else _answer(report)
    assert outcome is not None  # the action stored it before its transaction ended
    return JsonResponse(outcome["body"], status=outcome["status"])


def _valid_key(key: str) -> bool:
    """Printable ASCII, 1 to 255 characters: a UUID or anything a client generates."""
    return 0 < len(key) <= MAX_KEY_LENGTH and all(" " <= c <= "~" for c in key)


def _answer(report: Report) -> dict[str, Any]:
    """The answer to a new report, as stored for replays (JSON types only)."""
    assert report.due_at is not None  # receiving a report sets its response deadline
    body = ReportOut(
        id=report.pk, reference=report.reference, risk=Risk(report.risk), due_at=report.due_at
    ).model_dump(mode="json")
    return {"status": 201, "body": body}


def _refusal(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"error": code, "detail": str(detail), "errors": {}}, status=status)
