"""Subqueries compiled once give what the ORM expression gives, on either database (the
suite runs on SQLite and, in CI, on PostgreSQL: their SQL differs, e.g. the JSON
aggregates of the caseload's rows)."""

from django.db.models import Max, OuterRef, Subquery

from lindungi.cases.models import Case
from lindungi.cases.queries.rows import ROW_DETAILS
from lindungi.casework import actions as work
from lindungi.casework.models import CaseNote
from lindungi.casework.overdue import DEADLINE_FACTS
from lindungi.core.compiled import Compiled
from tests.cases.factories import make_case


def last_note():
    notes = CaseNote.objects.filter(case=OuterRef("pk")).order_by().values("case")
    return Subquery(notes.annotate(last=Max("created_at")).values("last"))


def test_a_compiled_subquery_gives_the_orm_expressions_values(personas):
    noted, quiet = make_case(personas, "a"), make_case(personas, "a")
    work.add_note(personas.case_worker_a, noted, "Called back.")
    expression = last_note()
    once = Compiled(Case, expression, expression.output_field)
    cases = Case.objects.filter(pk__in=[noted.pk, quiet.pk])
    expected = dict(cases.annotate(last=last_note()).values_list("pk", "last"))
    for _ in range(2):  # the second time from the SQL kept after the first
        assert dict(cases.annotate(last=once).values_list("pk", "last")) == expected
    assert expected[noted.pk] is not None and expected[quiet.pk] is None


def test_the_sql_is_compiled_once_per_database(personas, monkeypatch):
    make_case(personas, "a")
    expression = last_note()
    once = Compiled(Case, expression, expression.output_field)
    compiles = []
    real = once._compile
    monkeypatch.setattr(once, "_compile", lambda connection: compiles.append(1) or real(connection))
    for _ in range(3):
        list(Case.objects.annotate(last=once).values_list("last", flat=True))
    assert len(compiles) == 1


def test_the_lists_compiled_subqueries_give_what_their_orm_expressions_give(personas):
    noted = make_case(personas, "a")
    work.add_note(personas.case_worker_a, noted, "Called back.")
    make_case(personas, "a", restricted=True)
    cases = Case.objects.filter(unit=personas.unit_a)
    found = {}
    for name, once in {**ROW_DETAILS, **DEADLINE_FACTS}.items():
        found[name] = dict(cases.annotate(value=once.subquery).values_list("pk", "value"))
        assert dict(cases.annotate(value=once).values_list("pk", "value")) == found[name], name
    # Something to compare: the survivors (JSON) and the last note of the noted case.
    assert found["survivor_rows"][noted.pk] and found["last_note_at"][noted.pk]
