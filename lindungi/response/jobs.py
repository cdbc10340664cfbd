"""The worker's jobs for the rapid response unit, and the board's view of what is late.

Escalation: a dispatch not acknowledged within ``RESPONSE_ACK_MINUTES`` alerts the crew's
backup and the unit's supervisors (step 1); one not under way within
``RESPONSE_EN_ROUTE_MINUTES`` alerts the first person of the unit's escalation chain
(step 2), and each further period the next (step 3, ...), until the team is en route.
Roster gaps: a shift starting within ``RESPONSE_GAP_ALERT_HOURS`` with no team lead or too
few responders alerts the unit's supervisors.

Each alert is claimed by a unique insert (``Escalation``, ``RosterGapAlert``), as the
overdue deadlines are (``casework/overdue.py``), so it happens once however many workers
run at the same time; a run's own rows carry its token.
"""

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lindungi.accounts.models import Unit, User
from lindungi.accounts.roles import UnitType
from lindungi.audit.events import record
from lindungi.notifications.models import Kind, notify
from lindungi.response.models import (
    CrewRole,
    Dispatch,
    DispatchStatus,
    Escalation,
    EscalationContact,
    RosterGapAlert,
)
from lindungi.response.roster import gaps

# The states in which a dispatch is not yet under way.
NOT_UNDER_WAY = [DispatchStatus.REQUESTED, DispatchStatus.ACKNOWLEDGED]


def ack_limit() -> timedelta:
    return timedelta(minutes=settings.RESPONSE_ACK_MINUTES)


def en_route_limit() -> timedelta:
    return timedelta(minutes=settings.RESPONSE_EN_ROUTE_MINUTES)


def lateness(dispatch: Dispatch, now: datetime) -> str:
    """What the dispatch is late for, from its own times ("" if nothing): the board shows
    it whether or not a worker runs."""
    age = now - dispatch.requested_at
    if dispatch.status == DispatchStatus.REQUESTED and age > ack_limit():
        return DispatchStatus.ACKNOWLEDGED
    if dispatch.status in NOT_UNDER_WAY and age > en_route_limit():
        return DispatchStatus.EN_ROUTE
    return ""


def due_steps(dispatch: Dispatch, chain_length: int, now: datetime) -> list[int]:
    """The escalation steps whose time has come for ``dispatch``."""
    age = now - dispatch.requested_at
    steps = []
    if dispatch.status == DispatchStatus.REQUESTED and age > ack_limit():
        steps.append(1)
    if dispatch.status in NOT_UNDER_WAY:
        periods = int(age / en_route_limit())
        steps.extend(range(2, 2 + min(periods, max(chain_length, 1))))
    return steps


def _recipients(dispatch: Dispatch, step: int, chain: list[User]) -> list[User]:
    if step == 1:
        backups = [m.user for m in dispatch.crew.all() if m.role == CrewRole.BACKUP]
        return backups + list(dispatch.unit.supervisors())
    if chain:
        return [chain[step - 2]]
    return list(dispatch.unit.supervisors())


@transaction.atomic
def _escalate_one(dispatch: Dispatch, steps: list[int], chain: list[User]) -> int:
    run = uuid.uuid4()
    Escalation.objects.bulk_create(
        [Escalation(dispatch=dispatch, step=step, run=run) for step in steps],
        ignore_conflicts=True,
    )
    won = list(Escalation.objects.filter(run=run).values_list("step", flat=True))
    for step in sorted(won):
        notify(_recipients(dispatch, step, chain), Kind.DISPATCH_ESCALATED)
        record("dispatch.escalate", obj=dispatch, fields=[f"step_{step}"])
    return len(won)


def escalate(now: datetime | None = None) -> int:
    """Take every escalation step that is due and was not taken before; returns how many."""
    now = now or timezone.now()
    late = (
        Dispatch.objects.filter(status__in=NOT_UNDER_WAY, requested_at__lt=now - ack_limit())
        .select_related("unit")
        .prefetch_related("crew__user")
        .order_by("requested_at")
    )
    chains: dict[uuid.UUID, list[User]] = {}
    new = 0
    for dispatch in late:
        if dispatch.unit_id not in chains:
            contacts = EscalationContact.objects.filter(unit_id=dispatch.unit_id)
            chains[dispatch.unit_id] = [c.user for c in contacts.select_related("user")]
        chain = chains[dispatch.unit_id]
        steps = due_steps(dispatch, len(chain), now)
        taken = set(dispatch.escalations.values_list("step", flat=True))
        if set(steps) - taken:
            new += _escalate_one(dispatch, sorted(set(steps) - taken), chain)
    return new


@transaction.atomic
def alert_roster_gaps(now: datetime | None = None) -> int:
    """Alert each unit's supervisors once for every coming shift with a gap."""
    now = now or timezone.now()
    units = Unit.objects.filter(type=UnitType.RAPID_RESPONSE, is_active=True)
    ahead = now + timedelta(hours=settings.RESPONSE_GAP_ALERT_HOURS)
    found = {gap.shift.pk: gap.shift for gap in gaps(units, now, ahead)}
    if not found:
        return 0
    run = uuid.uuid4()
    RosterGapAlert.objects.bulk_create(
        [RosterGapAlert(shift_id=pk, run=run) for pk in found], ignore_conflicts=True
    )
    won = RosterGapAlert.objects.filter(run=run).values_list("shift_id", flat=True)
    for shift_id in won:
        notify(found[shift_id].unit.supervisors(), Kind.ROSTER_GAP)
    return len(won)
