"""What the dispatch board shows: the open dispatches the reader may see, with their age,
state and what they are late for (from their own times, so a late dispatch shows even when
no worker runs), and for each rapid response unit the reader belongs to, its current
shift, who is on call and the coming shifts with a gap."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from lindungi.accounts.models import Unit
from lindungi.accounts.roles import UnitType
from lindungi.cases.access import AnyUser
from lindungi.response.access import supervised_units
from lindungi.response.jobs import lateness
from lindungi.response.models import Dispatch
from lindungi.response.roster import Gap, current_shift, gaps, on_call

# The most dispatches the board lists (the oldest first).
BOARD_ROWS = 100


@dataclass(frozen=True)
class Row:
    dispatch: Dispatch
    minutes: int
    late: str


@dataclass(frozen=True)
class UnitPanel:
    unit: Unit
    shift: object
    on_call: list
    gaps: list[Gap]


def _units(user: AnyUser):
    if not user.is_authenticated:
        return Unit.objects.none()
    return Unit.objects.filter(
        type=UnitType.RAPID_RESPONSE, is_active=True, memberships__user=user
    ).distinct()


def board_context(user: AnyUser, now: datetime) -> dict[str, object]:
    dispatches = (
        Dispatch.objects.restrict(user)
        .open()
        .select_related("unit", "kota")
        .order_by("requested_at")[:BOARD_ROWS]
    )
    rows = [
        Row(d, int((now - d.requested_at).total_seconds() // 60), lateness(d, now))
        for d in dispatches
    ]
    ahead = now + timedelta(hours=settings.RESPONSE_GAP_ALERT_HOURS)
    panels = []
    for unit in _units(user):
        panels.append(
            UnitPanel(
                unit=unit,
                shift=current_shift(unit, now),
                on_call=list(on_call(unit, now)),
                gaps=gaps(Unit.objects.filter(pk=unit.pk), now, ahead),
            )
        )
    return {"rows": rows, "panels": panels, "now": now, "supervises": bool(supervised_units(user))}
