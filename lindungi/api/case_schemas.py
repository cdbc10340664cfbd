"""The shapes of cases, clients, incidents and perpetrators on the wire.

Input schemas forbid unknown fields and check types, lengths and code lists; the actions
check the rules (dates not in the future, a guardian of this case, ...). A PATCH schema is
its create schema with nothing required: a field left out is left alone, and ``null`` is
accepted only where the record itself may be empty.

Identity (name, NIK, phone, address detail, a perpetrator's name) is shown only to those
who may edit the case; for anyone else it is ``null`` (an empty string means "not
recorded"). See README "API".
"""

import typing
from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from django.utils import timezone
from ninja import Field, Schema
from pydantic import (
    ConfigDict,
    ModelWrapValidatorHandler,
    ValidationInfo,
    WithJsonSchema,
    create_model,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from lindungi.cases.access import Via
from lindungi.cases.models import (
    ClientRole,
    Education,
    MaritalStatus,
    Priority,
    PublicEmployer,
    Status,
    TimeOfDay,
)
from lindungi.cases.vocabulary import (
    Accommodation,
    ContextFlag,
    Difficulty,
    GbvType,
    PerpetratorAgeGroup,
    PlaceType,
    Relationship,
    ReportingDelay,
    Sex,
    TpksForm,
    ViolenceType,
    VulnerableGroup,
)
from lindungi.core.input_policy import holds_control_characters

# Ids in paths are read as text and checked by the access choke point, so that a malformed
# id gets the same audited 404 as a missing one; the schema still says what they are.
RecordId = Annotated[str, WithJsonSchema({"type": "string", "format": "uuid"})]
RegionCode = Annotated[str, Field(max_length=13, pattern=r"^[0-9.]+$")]
WgAnswer = Difficulty | Literal[""]


def local_moment(moment: datetime) -> datetime:
    """A time sent without an offset means the deployment's local time (rule 7 of
    docs/architecture.md)."""
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Input(Schema):
    """What a client sends: unknown fields and control characters (lindungi.core.input_policy)
    are refused, with a 422 naming the field."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(
        cls, values: Any, handler: ModelWrapValidatorHandler[Any], info: ValidationInfo
    ) -> Any:
        """Validated once. django-ninja's ``Schema`` validates a schema that forbids extra
        fields twice, the second time through attribute access for ORM objects and its
        ``resolve_`` methods; what a client sends is parsed JSON, and an input has no
        ``resolve_`` methods: the same fields, the same answer (the intake API's body took
        a twentieth of its request's CPU to validate twice)."""
        return handler(values)

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_control_characters_and_numbers_as_dates(
        cls, value: object, info: ValidationInfo
    ) -> object:
        if holds_control_characters(value):
            raise PydanticCustomError("control_characters", "control characters")
        if isinstance(value, int | float) and info.field_name:
            # pydantic reads a number as seconds since 1970: never what a client means.
            if _takes_a_date(cls.model_fields[info.field_name].annotation):
                raise PydanticCustomError("date_type", "a date as text")
        return value


def _takes_a_date(annotation: object) -> bool:
    """Whether a field's type is a date or a time, optional or annotated included."""
    if isinstance(annotation, type):
        return issubclass(annotation, date)
    return any(_takes_a_date(inner) for inner in typing.get_args(annotation))


def patch_schema(create: type[Schema], name: str) -> Any:
    """``create`` with every field optional and no defaults filled in, and every limit of
    ``create`` kept (its length and range constraints live in the field's metadata).

    A class made at run time: to the type checker, which cannot know its fields, it is Any
    (a ``type[Input]`` could not annotate the routes' payloads)."""
    fields: dict[str, Any] = {
        key: (_constrained(field), Field(None, description=field.description))
        for key, field in create.model_fields.items()
    }
    return create_model(name, __base__=Input, **fields)


def _constrained(field: FieldInfo) -> Any:
    if not field.metadata:
        return field.annotation
    return Annotated[(field.annotation, *field.metadata)]


# --- Cases -------------------------------------------------------------------------------


class CaseSummary(Schema):
    id: UUID
    survivor_code: str
    unit_id: UUID
    unit_name: str
    status: Status
    priority: Priority
    restricted: bool
    opened_at: datetime
    closed_at: datetime | None
    version: int


class CaseOut(CaseSummary):
    may_edit: bool = Field(description="Whether you may change this case.")
    may_read_content: bool = Field(
        description="Whether you see names, contact details, narratives, notes and task "
        "titles (not when you read the case by break-glass)."
    )
    access_via: list[Via] = Field(
        description="Why you reach this case: assignment, supervision, named access, break-glass."
    )
    break_glass_until: datetime | None = Field(
        description="When your break-glass access ends, if you read the case by it."
    )


class CasePage(Schema):
    count: int
    page: int
    page_size: int
    items: list[CaseSummary]


class CasePatch(Input):
    # Left out, a field is None and left alone; a null sent is refused (pydantic checks only
    # what was sent), so the type says what a client may send.
    status: Status = None  # type: ignore[assignment]
    priority: Priority = None  # type: ignore[assignment]


# --- Clients -----------------------------------------------------------------------------


class ClientIn(Input):
    role: ClientRole
    guardian_of: UUID | None = Field(None, description="A client of the same case.")
    name: str = Field("", max_length=200)
    nik: str = Field("", max_length=32)
    phone: str = Field("", max_length=32)
    address_detail: str = Field("", max_length=2000)
    birth_date: date | None = None
    age_estimate: int | None = Field(None, ge=0, le=120)
    sex: Sex = Sex.UNKNOWN
    kelurahan: RegionCode | None = Field(None, description="Kemendagri code of a kelurahan.")
    occupation: str = Field("", max_length=100)
    education: Education = Education.UNKNOWN
    marital_status: MaritalStatus = MaritalStatus.UNKNOWN
    wg_seeing: WgAnswer = ""
    wg_hearing: WgAnswer = ""
    wg_walking: WgAnswer = ""
    wg_remembering: WgAnswer = ""
    wg_self_care: WgAnswer = ""
    wg_communicating: WgAnswer = ""
    accommodations: list[Accommodation] = []


ClientPatch = patch_schema(ClientIn, "ClientPatch")


class ClientOut(Schema):
    id: UUID
    case_id: UUID
    role: ClientRole
    guardian_of: UUID | None
    name: str | None
    nik: str | None
    phone: str | None
    address_detail: str | None
    birth_date: date | None
    age_estimate: int | None
    sex: Sex
    kelurahan: str | None
    occupation: str
    education: Education
    marital_status: MaritalStatus
    wg_seeing: WgAnswer
    wg_hearing: WgAnswer
    wg_walking: WgAnswer
    wg_remembering: WgAnswer
    wg_self_care: WgAnswer
    wg_communicating: WgAnswer
    accommodations: list[Accommodation]
    vulnerable_groups: list[VulnerableGroup] = Field(
        description="Derived, never typed: by the age at the first incident (or, before one "
        "is recorded, when the case was opened)."
    )
    version: int


# --- Incidents ---------------------------------------------------------------------------


class IncidentIn(Input):
    survivor: UUID = Field(description="A client of the same case.")
    occurred_on: date | None = None
    date_is_estimate: bool = False
    time_of_day: TimeOfDay = TimeOfDay.UNKNOWN
    # As in CasePatch: left out it defaults; a null sent is refused.
    reported_on: date = Field(None, description="Defaults to the day the case was opened.")  # type: ignore[assignment]
    place_type: PlaceType
    kelurahan: RegionCode | None = None
    description: str = Field("", max_length=20000)
    gbv_answers: dict[GbvType, bool] = Field(
        {}, description="The GBVIMS questions answered so far; the first yes decides the type."
    )
    violence_types: list[ViolenceType] = []
    tpks_forms: list[TpksForm] = []
    goods_exchanged: bool = False
    abducted: bool = False
    harmful_practice: bool = False
    reported_elsewhere: bool = False


IncidentPatch = patch_schema(IncidentIn, "IncidentPatch")


class IncidentOut(Schema):
    id: UUID
    case_id: UUID
    survivor: UUID
    occurred_on: date | None
    date_is_estimate: bool
    time_of_day: TimeOfDay
    reported_on: date
    place_type: PlaceType
    kelurahan: str | None
    description: str | None = Field(description="Only for those who may read the content.")
    gbv_answers: dict[GbvType, bool]
    gbv_type: GbvType | Literal[""] = Field(description="Derived from gbv_answers.")
    violence_types: list[ViolenceType]
    tpks_forms: list[TpksForm]
    goods_exchanged: bool
    abducted: bool
    harmful_practice: bool
    context_flags: list[ContextFlag] = Field(description="Derived.")
    reporting_delay: ReportingDelay | Literal[""] = Field(description="Derived.")
    reported_elsewhere: bool
    version: int


# --- Perpetrators ------------------------------------------------------------------------


class PerpetratorIn(Input):
    count: int = Field(1, ge=1, le=100)
    sex: Sex = Sex.UNKNOWN
    age_group: PerpetratorAgeGroup = PerpetratorAgeGroup.UNKNOWN
    relationship: Relationship = Field(
        description="Husband or wife, boyfriend or girlfriend, or a former partner: the "
        "incident counts as intimate partner violence."
    )
    occupation: str = Field("", max_length=100)
    name: str = Field("", max_length=200)
    public_employment: PublicEmployer | Literal[""] = Field(
        "", description="A public employee: the case becomes restricted at once."
    )
    employing_agency: str = Field("", max_length=200)


PerpetratorPatch = patch_schema(PerpetratorIn, "PerpetratorPatch")


class PerpetratorOut(Schema):
    id: UUID
    incident_id: UUID
    count: int
    sex: Sex
    age_group: PerpetratorAgeGroup
    relationship: Relationship
    intimate_partner: bool = Field(description="Derived from the relationship.")
    occupation: str
    name: str | None
    public_employment: PublicEmployer | Literal[""]
    employing_agency: str
    version: int
