"""The rollups equal a recount from the records after any sequence of changes (issue 16)."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from lindungi.cases import actions
from lindungi.cases.models import Case, Incident
from lindungi.casework import actions as work
from lindungi.casework.actions.approvals import decide_approval
from lindungi.casework.actions.closure import request_closure
from lindungi.casework.models import plan_of
from lindungi.stats import rollup
from lindungi.stats.counts import recount
from lindungi.stats.models import Contribution, PendingCase
from tests.stats.world import (
    RAPE,
    add_incident,
    add_survivor,
    counted,
    month_tallies,
    new_case,
    tallies,
)

pytestmark = pytest.mark.django_db

DAYS = st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 10, 1))


def _dates(draw):
    occurred = draw(DAYS)
    return {"occurred_on": occurred, "reported_on": occurred + timedelta(draw(st.integers(0, 40)))}


def _create(personas, cases, draw):
    cases.append(new_case(personas, survivors=draw(st.integers(1, 2)), **_dates(draw)))


def _add_survivor(personas, cases, draw):
    case = draw(st.sampled_from(cases))
    worker = personas.case_worker_a
    add_incident(worker, case, add_survivor(worker, case), **_dates(draw))


def _edit(personas, cases, draw):
    incident = draw(st.sampled_from(cases)).incidents.first()
    if incident is not None:
        changes = {**_dates(draw), "reported_elsewhere": draw(st.booleans())}
        actions.update_incident(personas.case_worker_a, incident, incident.version, changes)


def _reclassify(personas, cases, draw):
    incident = draw(st.sampled_from(cases)).incidents.first()
    if incident is not None:
        changes = {"gbv_answers": RAPE, "violence_types": ["seksual", "psikis"]}
        actions.update_incident(personas.case_worker_a, incident, incident.version, changes)


def _perpetrator(personas, cases, draw):
    incident = draw(st.sampled_from(cases)).incidents.first()
    if incident is not None:
        data = {"relationship": "suami_istri", "count": draw(st.integers(1, 3))}
        actions.add_perpetrator(personas.case_worker_a, incident, data)


def _work(personas, cases, draw):
    """The course the head of service's indicators read: contact, assessment, plan and a
    service given, late or on time."""
    case = Case.objects.get(pk=draw(st.sampled_from(cases)).pk)
    if case.status == "closed":
        return
    worker, day = personas.case_worker_a, draw(DAYS)
    work.add_note(worker, case, "Contacted")
    work.record_assessment(worker, case, "needs", {"health": "some"})
    plan = plan_of(case)
    work.save_plan(worker, case, plan.version if plan else None, "Goals")
    service = {"type": "health", "status": "done", "done_on": day, "provider_name": "Clinic"}
    work.add_service(worker, case, {**service, "due_on": day - timedelta(draw(st.integers(-2, 2)))})


def _close(personas, cases, draw):
    case = Case.objects.get(pk=draw(st.sampled_from(cases)).pk)
    if case.status != "closed" and not hasattr(case, "_asked"):
        reason = draw(st.sampled_from(["needs_met", "moved_away"]))
        closure = request_closure(personas.case_worker_a, case, reason, "Done")
        decide_approval(personas.supervisor_a, closure.approval, "approved")
        case._asked = True


def _delete(personas, cases, draw):
    # No action deletes records: this is a purge, the records going without one.
    case = draw(st.sampled_from(cases))
    Incident.objects.filter(pk__in=case.incidents.values("pk")[:1]).delete()
    if not case.approvals.exists():
        cases.remove(case)
        Incident.objects.filter(case=case).delete()
        Case.objects.filter(pk=case.pk).delete()


def _worker(personas, cases, draw):
    rollup.apply_pending(limit=draw(st.integers(1, 3)))


STEPS = [_add_survivor, _edit, _reclassify, _perpetrator, _work, _close, _delete, _worker]


@settings(
    max_examples=10,
    deadline=None,
    # Every example writes cases through the actions: shrinking a failure would take
    # minutes, so the failing example is reported as found.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_the_rollups_equal_a_recount_after_any_changes(module_personas, data):
    with transaction.atomic():
        rollup.rebuild()
        cases = []
        for _step in range(data.draw(st.integers(1, 7))):
            step = data.draw(st.sampled_from(STEPS)) if cases else _create
            step(module_personas, cases, data.draw)
        assert counted() == recount()
        assert month_tallies() == rollup.by_month(recount())
        assert not PendingCase.objects.exists()
        rollup.rebuild()
        assert tallies() == recount()
        assert month_tallies() == rollup.by_month(recount())
        transaction.set_rollback(True)


def test_the_rebuild_command_counts_from_the_records(module_personas):
    new_case(module_personas)
    rollup.rebuild()
    PendingCase.objects.all().delete()
    call_command("stats-rebuild")
    assert tallies() == recount() != {}


def test_a_rebuild_merging_in_many_steps_counts_what_one_step_does(module_personas, monkeypatch):
    """The rebuild merges its keys every FLUSH_KEYS and writes contributions every BATCH
    cases: with both at their smallest, every merge meets keys already there."""
    for born in (date(2015, 3, 1), date(1990, 5, 17), date(1950, 1, 9)):
        new_case(module_personas, born=born, survivors=2)
    monkeypatch.setattr(rollup, "FLUSH_KEYS", 1)
    monkeypatch.setattr(rollup, "BATCH", 1)
    assert rollup.rebuild() == 3
    assert tallies() == recount() != {}
    assert month_tallies() == rollup.by_month(recount())
    assert Contribution.objects.count() == 3


def test_a_contribution_stored_in_the_earlier_form_is_subtracted_as_it_was_added(
    module_personas,
):
    """Contributions written before the unit was kept once (a list of [unit id, key...,
    count]) are read alike: a change to such a case moves the rollups by the difference."""
    case = new_case(module_personas)
    counted()
    stored = Contribution.objects.get(case_id=case.pk)
    assert set(stored.keys) == {"unit", "keys"} and stored.keys["unit"] == str(case.unit_id)
    earlier = rollup.contribution_rows(stored.keys)
    assert earlier and all(row[0] == str(case.unit_id) for row in earlier)
    Contribution.objects.filter(case_id=case.pk).update(keys=earlier)
    incident = Incident.objects.get(case=case)
    changes = {"occurred_on": date(2025, 3, 3), "reported_on": date(2025, 3, 9)}
    actions.update_incident(module_personas.case_worker_a, incident, incident.version, changes)
    assert counted() == recount()
    assert month_tallies() == rollup.by_month(recount())
