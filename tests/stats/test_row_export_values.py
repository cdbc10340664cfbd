"""What each column of the row-level export holds (issue 16), now that the database makes
every value in one SELECT (``stats/exports/rows.py``): on SQLite and PostgreSQL alike, the
values the three ordered queries joined in Python made before."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import DataError, connection, transaction

from lindungi.cases import actions
from lindungi.cases.models import Case, Client
from lindungi.cases.vocabulary import ServiceType
from lindungi.casework.models import PlannedService, ServiceStatus
from lindungi.stats.exports import rows
from tests.stats.world import RAPE, add_incident, add_survivor, new_case

pytestmark = pytest.mark.django_db
NAME = "Canary Survivor Name"
# 17:30 UTC is half past midnight the next day in Jakarta: the case's dates are local.
OPENED = datetime(2026, 11, 30, 17, 30, tzinfo=UTC)


def _world(personas, time_machine):
    time_machine.move_to(OPENED, tick=False)
    worker = personas.case_worker_a
    case = actions.open_case(worker, personas.unit_a)
    # 18 on the day of her second incident, 17 on the day her first was reported.
    first = add_survivor(worker, case, born=date(2008, 11, 20), kelurahan="31.74.01.1001")
    add_incident(worker, case, first, violence_types=["seksual", "fisik"])
    add_incident(
        worker,
        case,
        first,
        occurred_on=None,  # not known: counted on the day it was reported
        reported_on=date(2026, 11, 19),
        kelurahan=None,  # then her home's
        gbv_answers=RAPE,
        violence_types=["fisik", "psikis"],
    )
    time_machine.move_to(OPENED + timedelta(minutes=1), tick=False)
    second = add_survivor(worker, case, born=None)
    Client.objects.filter(pk=second.pk).update(age_estimate=61)  # no incident: no age
    for kind, status in [
        (ServiceType.LEGAL_AID, ServiceStatus.DONE),
        (ServiceType.HEALTH, ServiceStatus.DONE),
        (ServiceType.HEALTH, ServiceStatus.DONE),
        (ServiceType.SHELTER, ServiceStatus.PLANNED),
    ]:
        PlannedService.objects.create(case=case, type=kind, due_on=date(2026, 12, 5), status=status)
    # Closed at 00:00 on New Year's Day in Jakarta.
    closed = datetime(2026, 12, 31, 17, tzinfo=UTC)
    Case.objects.filter(pk=case.pk).update(status="closed", closed_at=closed)
    new_case(personas, unit="b")  # another unit's: not in the export
    return case


def test_each_column_holds_the_value_the_export_promises(personas, time_machine):
    case = _world(personas, time_machine)
    first = [
        f"{case.survivor_code}/1", "female", "13-17", "31.74", "31.74.01", "closed",
        "2026-12-01", "2027-01-01", "", "2026-11-19", 2, "physical_assault; rape",
        "fisik; psikis; seksual", "health; legal_aid",
    ]  # fmt: skip
    second = [
        f"{case.survivor_code}/2", "female", "", "", "", "closed", "2026-12-01",
        "2027-01-01", "", "", 0, "", "", "health; legal_aid",
    ]  # fmt: skip
    assert [list(row) for row in rows.rows(personas.supervisor_a, False)] == [first, second]
    named = [list(row) for row in rows.rows(personas.supervisor_a, True)]
    assert named == [[row[0], NAME, *row[1:]] for row in (first, second)]
    assert len(rows.header(True)) == len(named[0]) == len(rows.fields(True))


def test_a_failed_export_statement_keeps_its_own_error_and_the_planner_as_it_was():
    """PostgreSQL: JIT is off only for the export's statement; when that statement fails in
    a transaction, its error is what the caller sees, and the rollback restores JIT."""
    if connection.vendor != "postgresql":
        pytest.skip("JIT is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        [(before,)] = cursor.fetchall()
    with pytest.raises(DataError, match="division by zero"), transaction.atomic():
        with rows.without_jit(), connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchall() == [(before,)]
