"""Cases with deadlines at a fixed clock, shared by the overdue, overview and alert tests.

Opened on Friday 27 November 2026 at 19:30 in Jakarta, with sexual violence reported: the
police report (3×24 hours) and the medium-priority follow-up (72 hours) are due on Monday
30 November at 19:30; a service due on Sunday 29 November ends at midnight.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine

from lindungi.accounts.models import Membership, User
from lindungi.accounts.roles import Role
from lindungi.cases import actions
from lindungi.cases.vocabulary import GbvType
from lindungi.casework import actions as work
from tests.cases.factories import make_case

JAKARTA = ZoneInfo("Asia/Jakarta")
FRIDAY_EVENING = datetime(2026, 11, 27, 19, 30, tzinfo=JAKARTA)
SUNDAY = date(2026, 11, 29)
MONDAY_EARLY = datetime(2026, 11, 30, 0, 1, tzinfo=JAKARTA)
MONDAY_BEFORE = datetime(2026, 11, 30, 19, 29, tzinfo=JAKARTA)
MONDAY_AFTER = datetime(2026, 11, 30, 19, 31, tzinfo=JAKARTA)


def sexual_case(personas, unit="a", restricted=False, service_due=SUNDAY):
    """A case opened on Friday evening with a police deadline and one service."""
    worker = getattr(personas, f"case_worker_{unit}")
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        case = make_case(personas, unit, restricted=restricted)
        incident = case.incidents.get()
        actions.update_incident(
            worker,
            incident,
            incident.version,
            {
                "gbv_answers": {GbvType.RAPE: True},
                "violence_types": ["seksual"],
                "reported_on": date(2026, 11, 27),
            },
        )
        if service_due is not None:
            work.add_service(
                worker, case, {"type": "health", "provider_name": "RSUD", "due_on": service_due}
            )
    case.refresh_from_db()
    return case


def second_supervisor(personas, unit="a"):
    """A supervisor who joined after the restricted case was made: not named on it."""
    user = User.objects.create_user(
        f"late.supervisor.{unit}@test.lindungi.id", "a long test passphrase 2026"
    )
    Membership.objects.create(
        user=user, unit=getattr(personas, f"unit_{unit}"), role=Role.SUPERVISOR
    )
    return user
