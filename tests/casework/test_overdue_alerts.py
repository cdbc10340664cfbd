"""The alert job: each overdue deadline reaches the unit's supervisors once."""

from datetime import timedelta

import time_machine
from django.core.management import call_command

from lindungi.casework import actions as work
from lindungi.casework.overdue import alert_overdue
from lindungi.notifications.models import Kind, Notification, OverdueAlert
from tests.casework.overdue_fixtures import (
    MONDAY_AFTER,
    MONDAY_BEFORE,
    MONDAY_EARLY,
    second_supervisor,
    sexual_case,
)


def overdue_alerts(user):
    return Notification.objects.filter(user=user, kind=Kind.DEADLINE_OVERDUE)


def test_nothing_is_alerted_before_a_deadline_passes(personas):
    sexual_case(personas, service_due=None)
    assert alert_overdue(MONDAY_BEFORE) == 0
    assert not Notification.objects.filter(kind=Kind.DEADLINE_OVERDUE).exists()


def test_each_overdue_item_alerts_the_units_supervisors_once(personas):
    case = sexual_case(personas)
    late = second_supervisor(personas)
    assert alert_overdue(MONDAY_EARLY) == 1  # Sunday's service
    assert alert_overdue(MONDAY_AFTER) == 2  # the police report and the follow-up
    assert alert_overdue(MONDAY_AFTER + timedelta(hours=5)) == 0
    for supervisor in (personas.supervisor_a, late):
        assert overdue_alerts(supervisor).count() == 3
        assert set(overdue_alerts(supervisor).values_list("case", flat=True)) == {case.pk}
    assert not overdue_alerts(personas.case_worker_a).exists()
    assert not overdue_alerts(personas.supervisor_b).exists()
    assert OverdueAlert.objects.count() == 3


def test_a_restricted_case_alerts_only_its_named_supervisors(personas):
    sexual_case(personas, restricted=True, service_due=None)
    late = second_supervisor(personas)
    assert alert_overdue(MONDAY_AFTER) == 2
    assert overdue_alerts(personas.supervisor_a).count() == 2
    assert not overdue_alerts(late).exists()


def test_a_follow_up_that_passes_again_after_a_new_note_is_alerted_again(personas):
    case = sexual_case(personas, service_due=None)
    with time_machine.travel(MONDAY_AFTER, tick=False):
        work.record_police_report(
            personas.case_worker_a, case, reported_at=MONDAY_EARLY, police_reference="LP/2"
        )
    assert alert_overdue(MONDAY_AFTER) == 1
    with time_machine.travel(MONDAY_AFTER + timedelta(hours=1), tick=False):
        work.add_note(personas.case_worker_a, case, "Called back.")
    # Medium priority: the next follow-up is due 72 hours after the note.
    assert alert_overdue(MONDAY_AFTER + timedelta(hours=72)) == 0
    assert alert_overdue(MONDAY_AFTER + timedelta(hours=74)) == 1
    assert overdue_alerts(personas.supervisor_a).count() == 2


def test_an_item_another_worker_claimed_is_not_alerted_twice(personas):
    case = sexual_case(personas, service_due=None)
    deadline = case.police_report
    OverdueAlert.objects.create(
        kind="police_report",
        object_id=str(deadline.pk),
        due_at=deadline.due_at,
        case=case,
        run="00000000-0000-4000-8000-000000000000",
    )
    assert alert_overdue(MONDAY_AFTER) == 1  # only the follow-up was left
    assert overdue_alerts(personas.supervisor_a).count() == 1


def test_the_worker_runs_the_alert_job_once_with_once(personas):
    sexual_case(personas)
    with time_machine.travel(MONDAY_AFTER, tick=False):
        call_command("worker", "--once")
        call_command("worker", "--once")
    assert overdue_alerts(personas.supervisor_a).count() == 3
