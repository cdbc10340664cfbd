"""The safe houses' part of the supervisor's overview (``casework.overview_parts``): the
unit's requests that wait in the queue because no house has taken them (none had room or
each declined), the oldest first, so a supervisor sees who has no place tonight. Read
through the access module."""

from datetime import datetime
from typing import Any

from lindungi.cases.access import Need
from lindungi.shelter.models import Placement, PlacementStatus

SHOWN = 20


def overview_part(user: Any, unit: Any, now: datetime) -> dict[str, Any]:
    waiting = Placement.objects.restrict(user, Need.VIEW).filter(
        case__unit=unit, status=PlacementStatus.WAITING, house__isnull=True
    )
    return {
        "placements_waiting": list(waiting.select_related("case").order_by("requested_at")[:SHOWN]),
        "placements_waiting_count": waiting.count(),
    }
