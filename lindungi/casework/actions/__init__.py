"""Actions of case work (docs/architecture.md, rule 1): assessments, plan, services, notes,
tasks, approvals, the police report, the sanction track, closure and reopening.

Same contract as ``cases.actions``: check, validate, write, audit, timeline, alerts, in one
transaction; edits carry versions. One module per kind of work; callers use this package
(``from lindungi.casework import actions as work``).
"""

from lindungi.casework.actions.approvals import decide_approval, request_approval
from lindungi.casework.actions.assessments import record_assessment, risk_level
from lindungi.casework.actions.closure import reopen_case, request_closure
from lindungi.casework.actions.legal import record_police_report, update_sanction
from lindungi.casework.actions.notes import add_note, add_task, complete_task
from lindungi.casework.actions.plan import add_service, save_plan, update_service

__all__ = [
    "add_note",
    "add_service",
    "add_task",
    "complete_task",
    "decide_approval",
    "record_assessment",
    "record_police_report",
    "reopen_case",
    "request_approval",
    "request_closure",
    "risk_level",
    "save_plan",
    "update_sanction",
    "update_service",
]
