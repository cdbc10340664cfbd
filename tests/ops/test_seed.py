"""``lindungi seed``: synthetic cases that are indistinguishable from ones the actions make."""

import gc
import uuid
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from lindungi.audit.chain import verify
from lindungi.audit.models import AuditEvent
from lindungi.audit.sealer import seal
from lindungi.cases import access, actions
from lindungi.cases.models import (
    Assignment,
    Case,
    CaseEvent,
    Client,
    ClientRole,
    Consent,
    ConsentPurpose,
    Incident,
)
from lindungi.cases.queries.rows import kota_code
from lindungi.cases.vocabulary import Sex, VulnerableGroup
from lindungi.core import blind_index
from lindungi.core.models import BlindToken
from lindungi.ops import seed
from lindungi.ops.seed import bare
from lindungi.ops.seed.maker import CaseMaker
from lindungi.ops.seed.mix import MOBILE_PREFIXES
from lindungi.ops.seed.tokens import Tokens
from lindungi.stats import counts, rollup
from lindungi.stats.eligibility import eligible_incidents
from lindungi.stats.models import Contribution, Tally
from tests.login import log_in
from tests.stats.world import month_tallies

SEEDED = 50


@pytest.fixture
def seeded(personas):
    call_command("seed", cases=SEEDED, unit=personas.unit_a.name, seed=7, stdout=StringIO())
    return Case.objects.filter(unit=personas.unit_a)


def survivors(cases):
    return Client.objects.filter(case__in=cases, role=ClientRole.SURVIVOR)


def rollups():
    """The rollup rows as ``counts.recount`` keys them."""
    fields = ("unit_id", "day", "kota", "gbv_type", "measure", "dimension", "value", "count")
    rows = Tally.objects.values_list(*fields)
    return {(str(unit), day.isoformat(), *key): n for unit, day, *key, n in rows}


def test_seeding_adds_the_cases_to_the_unit_with_one_survivor_and_incident_each(seeded):
    assert seeded.count() == SEEDED
    assert survivors(seeded).count() == SEEDED
    assert Incident.objects.filter(case__in=seeded).count() == SEEDED
    assert Client.objects.filter(case__in=seeded).count() <= 2 * SEEDED
    for incident in Incident.objects.filter(case__in=seeded).prefetch_related("perpetrators"):
        assert len(incident.perpetrators.all()) == 1


def test_seeded_names_phones_and_niks_are_found_through_the_blind_indexes(seeded):
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, nik, address_detail FROM cases_client")
        stored = cursor.fetchall()
    assert all(value.startswith("v1.") for row in stored for value in row)  # ciphertext
    people = list(survivors(seeded))
    assert all(len(person.name.split()) >= 2 for person in people)  # and it decrypts
    for person in people[:10]:
        assert person in Client.objects.search_name(person.name)
    with_nik = [p for p in people if p.nik]
    with_phone = [p for p in people if p.phone]
    assert with_nik and with_phone
    assert with_nik[0] in Client.objects.with_nik(with_nik[0].nik)
    assert with_phone[0] in Client.objects.with_phone(with_phone[0].phone)
    assert BlindToken.objects.filter(object_id__in=[p.pk for p in people]).count() >= 2 * SEEDED


def test_the_seeded_mix_has_several_kota_both_sexes_children_and_women(seeded):
    people = list(survivors(seeded))
    kota = {kota_code(p.kelurahan_id) for p in people}
    assert len(kota) >= 3
    assert {p.sex for p in people} == {Sex.FEMALE, Sex.MALE}
    children = [p for p in people if p.age_on(p.case.opened_at.date()) < 18]
    adults = [p for p in people if p.age_on(p.case.opened_at.date()) >= 18]
    assert children and adults
    groups = set().union(*(p.vulnerable_groups(p.case.opened_at.date()) for p in people))
    assert {VulnerableGroup.CHILD, VulnerableGroup.WOMAN} <= groups


def test_seeded_incidents_carry_exactly_what_classification_computes(seeded):
    incidents = Incident.objects.filter(case__in=seeded).select_related("survivor")
    for incident in incidents:
        stored = (incident.gbv_type, list(incident.context_flags), incident.reporting_delay)
        actions.classify(incident)
        assert stored == (incident.gbv_type, incident.context_flags, incident.reporting_delay)
        assert incident.gbv_type


def test_seeded_cases_are_worked_by_the_units_case_worker_and_have_a_timeline(seeded, personas):
    for case in seeded.prefetch_related("assignments", "events"):
        assert personas.case_worker_a.pk in {a.user_id for a in case.assignments.all()}
        kinds = [e.kind for e in case.events.all()]
        assert kinds[0] == "opened"
        assert {"client_added", "incident_added", "perpetrator_added"} <= set(kinds)
        assert case.opened_at <= timezone.now()
        assert (case.closed_at is not None) == (case.status == "closed")
    assert not Assignment.objects.filter(case__in=seeded).exclude(
        user__memberships__unit=personas.unit_a
    )
    assert CaseEvent.objects.filter(case__in=seeded).count() >= 4 * SEEDED


def test_the_supervisor_sees_the_seeded_cases_on_the_caseload(client, seeded, personas):
    log_in(client, personas.supervisor_a)
    response = client.get(reverse("cases:caseload"), {"status": "all"})
    assert response.status_code == 200
    shown = {case.survivor_code for case in response.context["page"].rows}
    assert shown == set(seeded.values_list("survivor_code", flat=True))


def test_a_seeded_case_opens_for_its_worker_and_not_for_another_units(client, seeded, personas):
    case = seeded.filter(restricted=False).first()
    log_in(client, personas.case_worker_a)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    assert access.check(personas.case_worker_a, case, access.Need.CONTENT)
    with pytest.raises(PermissionDenied):
        access.check(personas.case_worker_b, case, access.Need.VIEW)
    client.logout()
    log_in(client, personas.case_worker_b)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_the_statistics_count_the_seeded_cases_as_a_recount_does(seeded):
    consents = Consent.objects.filter(case__in=seeded, purpose=ConsentPurpose.STATISTICS)
    assert 0 < consents.count() < SEEDED  # most survivors consent, not all
    counted = eligible_incidents().filter(case__in=seeded)
    assert 0 < counted.count() == Contribution.objects.count()
    written, months = rollups(), month_tallies()
    assert written == counts.recount()
    cases = sum(n for key, n in written.items() if key[4:7] == ("cases", "total", ""))
    assert cases == counted.count()
    rollup.rebuild()
    assert rollups() == written
    assert month_tallies() == months  # the rollup by month, which the pages read


def test_a_second_seed_adds_to_the_first(seeded, personas):
    first = set(seeded.values_list("pk", flat=True))
    call_command("seed", cases=20, unit=personas.unit_a.name, seed=8, stdout=StringIO())
    assert seeded.count() == SEEDED + 20
    assert first < set(seeded.values_list("pk", flat=True))
    assert rollups() == counts.recount()
    months = month_tallies()
    rollup.rebuild()
    assert month_tallies() == months


def test_seeding_is_one_audit_event_not_one_per_row_and_the_chain_holds(seeded, personas):
    events = AuditEvent.objects.filter(action="data.seed")
    assert events.count() == 1
    assert events.get().unit_id == personas.unit_a.pk
    assert not AuditEvent.objects.filter(action__in=["case.open", "client.create"]).exists()
    seal()
    assert verify().intact
    assert events.get().sequence is not None


def test_without_a_unit_named_the_first_service_centre_gets_the_cases(personas):
    call_command("seed", cases=3, seed=1, stdout=StringIO())
    assert set(Case.objects.values_list("unit_id", flat=True)) == {personas.unit_a.pk}


def test_seeding_a_unit_without_case_workers_is_refused(personas):
    with pytest.raises(CommandError):
        call_command("seed", cases=5, unit=personas.call_centre.name, stdout=StringIO())
    assert not Case.objects.exists()


def test_the_command_shows_its_progress_and_says_when_it_merges_the_rollups(personas):
    shown = StringIO()
    call_command(
        "seed", cases=5, unit=personas.unit_a.name, seed=3, stdout=StringIO(), stderr=shown
    )
    lines = shown.getvalue().splitlines()
    assert lines[0].startswith("5 / 5 cases,") and "cases/s" in lines[0]
    assert lines[1].startswith("Adding the seeded cases to the statistics")


SEEDED_TABLES = [model._meta.db_table for model in seed.SEEDED]


def schema():
    """The seeded tables' indexes and constraints as the database defines them."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT tbl_name, name, sql FROM sqlite_master")
            return {row for row in cursor.fetchall() if row[0] in SEEDED_TABLES}
        cursor.execute(
            "SELECT indrelid::regclass::text, indexrelid::regclass::text, "
            "pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid::regclass::text = ANY(%s) "
            "UNION ALL SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "|| ' ' || condeferrable || condeferred || convalidated FROM pg_constraint "
            "WHERE conrelid::regclass::text = ANY(%s) OR confrelid::regclass::text = ANY(%s)",
            [SEEDED_TABLES] * 3,
        )
        return set(cursor.fetchall())


@pytest.fixture
def rebuilt(monkeypatch):
    """The statements that restored what a seed into empty tables dropped."""
    statements = []
    restore = bare._restore

    def spy(connection, run):
        statements.extend(run)
        restore(connection, run)

    monkeypatch.setattr(bare, "_restore", spy)
    return statements


def test_a_seed_into_empty_tables_leaves_their_indexes_and_keys_as_migrated(personas, rebuilt):
    before = schema()
    seed.seed_cases(30, unit=personas.unit_a, seed=4, batch_size=10)
    assert schema() == before
    # Loaded bare, then rebuilt (SQLite's foreign keys are part of their tables, and stay).
    assert any(
        s.startswith(("CREATE INDEX blind_token_search", 'CREATE INDEX "blind_token_search'))
        for s in rebuilt
    )
    if connection.vendor == "postgresql":
        assert any("FOREIGN KEY (case_id) REFERENCES cases_case(id)" in s for s in rebuilt)
    assert Case.objects.count() == 30
    # The rebuilt foreign keys are checked: a timeline event of no case is refused.
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseEvent.objects.create(case_id=uuid.uuid4(), kind="opened", detail={})


def test_a_seed_failing_midway_leaves_the_schema_and_the_batches_written(personas, monkeypatch):
    before = schema()
    write = seed._write
    calls = []

    def failing(*args):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the disk is full")
        write(*args)

    monkeypatch.setattr(seed, "_write", failing)
    with pytest.raises(RuntimeError):
        seed.seed_cases(30, unit=personas.unit_a, seed=5, batch_size=10)
    assert schema() == before
    assert Case.objects.count() == 10  # the first batch, whole
    assert AuditEvent.objects.get(action="data.seed").reason == "10 synthetic cases"
    assert gc.isenabled() and gc.get_freeze_count() == 0  # the collector as it was


def test_a_seed_into_tables_with_rows_keeps_their_indexes(seeded, rebuilt):
    before = schema()
    seed.seed_cases(5, unit=seeded.first().unit, seed=6)
    assert schema() == before
    assert rebuilt == []  # nothing dropped


def test_seeded_blind_index_rows_are_what_the_index_itself_makes(seeded):
    people = Client.objects.filter(case__in=seeded)
    stored = set(BlindToken.objects.values_list("object_id", "column", "digest"))
    made = {(p.pk, column, d) for p in people for column, d in blind_index.row_tokens(Client, p)}
    assert stored == made


def test_seeded_phones_are_normalised_as_the_blind_index_normalises_them(personas):
    maker = CaseMaker(personas.unit_a, seed=9)
    tokens = Tokens(Client)
    for _ in range(300):
        phone = maker._phone()
        assert tokens._phone(phone) == blind_index.normalise_phone(phone)
    assert {prefix for prefix, _length in tokens.prefixes} == set(MOBILE_PREFIXES)
    for short in ("0812-34", "0812-3456-7", "0812-34"):
        assert tokens._phone(short) is None  # too short: no token, as the index gives
