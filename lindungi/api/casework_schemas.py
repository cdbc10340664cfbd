"""The shapes of case work on the wire: assessments, the plan, services, notes and tasks.

As in ``case_schemas``: input forbids unknown fields and checks types, lengths and code
lists; the actions check the rules (a level for each area, a provider named, a note of the
same case, an assignee of the case's unit). None of these records holds identity (names,
NIK, phone, address): their narratives are shown to whoever may see the case, like an
incident's description, and staff appear by id and display name.
"""

from datetime import date, datetime
from enum import Enum
from typing import Any, Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import StrictBool

from lindungi.api.case_schemas import Input, patch_schema
from lindungi.cases.models import Priority
from lindungi.casework.models import (
    NEED_DOMAINS,
    RISK_FACTORS,
    Assessment,
    NeedLevel,
    ServicePlan,
    ServiceStatus,
    ServiceType,
)

TEXT = 20000


# Words people wrote: null for a reader by break-glass (the pages leave them out too).
def content() -> Any:
    return Field(description="Null when you read the case by break-glass.")


Level = Priority | Literal[""]

# --- Assessments -------------------------------------------------------------------------


class AssessmentIn(Input):
    kind: Assessment.Kind
    answers: dict[str, NeedLevel | StrictBool] = Field(
        description=(
            "Needs: {area: none|some|urgent} for the areas "
            + ", ".join(name for name, _label in NEED_DOMAINS)
            + ". Risk: {factor: true|false} for the factors "
            + ", ".join(name for name, _label in RISK_FACTORS)
            + "."
        )
    )
    summary: str = Field("", max_length=TEXT)
    override_level: Level = Field(
        "", description="Risk only: the worker's level instead of the checklist's."
    )
    override_reason: str = Field("", max_length=TEXT, description="Required with override_level.")


class AssessmentOut(Schema):
    id: UUID
    case_id: UUID
    kind: Assessment.Kind
    number: int = Field(description="1, 2, ... per case and kind; older ones are kept.")
    author: UUID
    author_name: str
    answers: dict[str, NeedLevel | bool]
    level: Level = Field(description="Risk only: computed from the checklist.")
    override_level: Level
    override_reason: str | None = content()
    effective_level: Level = Field(description="The level that set the case priority.")
    summary: str | None = content()
    created_at: datetime


# --- Plan and services -------------------------------------------------------------------


class PlanIn(Input):
    goals: str = Field(max_length=TEXT, description="The survivor's goals, in their words.")


# The plan's status choices are a class named "Status", like the case's: in the OpenAPI
# document one would replace the other. The API gives them their own name. Built from
# the model's choices, so mypy cannot list its members (its one complaint, silenced here).
PlanStatus = Enum(  # type: ignore[misc]
    "PlanStatus", {choice.name: choice.value for choice in ServicePlan.Status}, type=str
)


class PlanOut(Schema):
    case_id: UUID
    goals: str | None = content()
    status: PlanStatus = Field(
        description="Changing the goals of a plan sent for approval returns it to draft."
    )
    version: int


class ApprovalRequestIn(Input):
    comment: str = Field("", max_length=TEXT)


class ApprovalOut(Schema):
    id: UUID
    case_id: UUID
    subject: Literal["plan", "closure"]
    requested_by: UUID
    request_comment: str | None = content()
    created_at: datetime
    decision: Literal["", "approved", "rejected"]
    decided_by: UUID | None
    decided_at: datetime | None
    decision_comment: str | None = content()


class ServiceIn(Input):
    type: ServiceType
    provider_unit: UUID | None = Field(None, description="A unit that gives the service.")
    provider_name: str = Field(
        "", max_length=200, description="A partner agency, when no unit is named."
    )
    due_on: date
    status: ServiceStatus = ServiceStatus.PLANNED
    outcome: str = Field("", max_length=TEXT)
    done_on: date | None = None


ServicePatch = patch_schema(ServiceIn, "ServicePatch")


class ServiceOut(Schema):
    id: UUID
    case_id: UUID
    type: ServiceType
    provider_unit: UUID | None
    provider_name: str
    due_on: date
    status: ServiceStatus
    outcome: str | None = content()
    done_on: date | None
    version: int


# --- Notes and tasks ---------------------------------------------------------------------


class NoteIn(Input):
    body: str = Field(max_length=TEXT)
    corrects: UUID | None = Field(None, description="The note of this case that this corrects.")


class NoteOut(Schema):
    id: UUID
    case_id: UUID
    author: UUID
    author_name: str
    body: str
    corrects: UUID | None
    corrections: list[UUID] = Field(description="Later notes that correct this one.")
    created_at: datetime


class TaskIn(Input):
    assignee: UUID = Field(description="A case worker or supervisor of the case's unit.")
    title: str = Field(max_length=300)
    due_at: datetime = Field(description="Without an offset it is read in local time.")


class TaskPatch(Input):
    done: Literal[True] = Field(description="A task once done stays done.")


class TaskOut(Schema):
    id: UUID
    case_id: UUID
    assignee: UUID
    assignee_name: str
    created_by: UUID
    title: str
    due_at: datetime
    done_at: datetime | None
    version: int
