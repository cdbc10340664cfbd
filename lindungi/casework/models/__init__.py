"""Case work records: assessments, the service plan and its services, notes, tasks,
approvals, the UU TPKS police report, the public-employee sanction track, closure.

Every one belongs to a case (``CASE_PATH``) and is built on the case-bound queryset, so its
``restrict`` is the access module's rule. Narratives are encrypted; codes that statistics
count are plain.
"""

from lindungi.casework.models.approvals import Approval
from lindungi.casework.models.assessments import NEED_DOMAINS, RISK_FACTORS, Assessment, NeedLevel
from lindungi.casework.models.closure import Closure, ClosureReason
from lindungi.casework.models.legal import PoliceReport, SanctionDecision, SanctionTrack
from lindungi.casework.models.notes import CaseNote, NoteIsFinal, Task
from lindungi.casework.models.plans import (
    OPEN_SERVICE_STATUSES,
    PlannedService,
    ServicePlan,
    ServiceStatus,
    ServiceType,
    plan_of,
)

__all__ = [
    "NEED_DOMAINS",
    "OPEN_SERVICE_STATUSES",
    "RISK_FACTORS",
    "Approval",
    "Assessment",
    "CaseNote",
    "Closure",
    "ClosureReason",
    "NeedLevel",
    "NoteIsFinal",
    "PlannedService",
    "PoliceReport",
    "SanctionDecision",
    "SanctionTrack",
    "ServicePlan",
    "ServiceStatus",
    "ServiceType",
    "Task",
    "plan_of",
]
