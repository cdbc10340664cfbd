"""What the apps above cases do when part of the case record is saved. Cases never imports
them: each registers a hook when it is ready (case work opens the UU TPKS police-report
deadline when an incident is sexual violence, and the sanction track of a public-employee
perpetrator: ``casework/tracks.py``), so the arrow points from them to cases only.

The hooks run inside the action's transaction: what they write stands or falls with it.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lindungi.cases.models import Incident, Perpetrator

_after_incident: list[Callable[["Incident"], object]] = []
_after_public_employee: list[Callable[["Perpetrator"], object]] = []


def after_incident(hook: Callable[["Incident"], object]) -> None:
    """Run ``hook(incident)`` whenever an incident is recorded or changed."""
    if hook not in _after_incident:
        _after_incident.append(hook)


def after_public_employee(hook: Callable[["Perpetrator"], object]) -> None:
    """Run ``hook(perpetrator)`` whenever a perpetrator is recorded as a public employee."""
    if hook not in _after_public_employee:
        _after_public_employee.append(hook)


def incident_saved(incident: "Incident") -> None:
    for hook in _after_incident:
        hook(incident)


def public_employee_saved(perpetrator: "Perpetrator") -> None:
    for hook in _after_public_employee:
        hook(perpetrator)
