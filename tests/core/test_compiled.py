"""Subqueries compiled once give what the ORM expression gives, on either database (the
suite runs on SQLite and, in CI, on PostgreSQL: their SQL differs, e.g. the JSON
aggregates of the caseload's rows)."""

from datetime import timedelta

import pytest
from django.db.models import (
    BooleanField,
    DateTimeField,
    Exists,
    Max,
    OuterRef,
    Subquery,
    UUIDField,
)
from django.utils import timezone

from lindungi.cases.models import Assignment, Case, CaseEvent
from lindungi.cases.queries.rows import ROW_DETAILS
from lindungi.casework import actions as work
from lindungi.casework.models import CaseNote
from lindungi.casework.overdue import DEADLINE_FACTS
from lindungi.core.compiled import Compiled, Param
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


def test_a_compiled_subquery_takes_new_parameters_each_time(personas):
    """A ``Param`` is a placeholder in the SQL kept: each query binds its own value, turned
    into a database value as the ORM turns a value compared in a filter."""
    opened = make_case(personas, "a")  # the case worker who opened it is assigned to it
    given = Param("user", UUIDField())
    once = Compiled(Case, Exists(assigned(given)), BooleanField())
    case = Case.objects.filter(pk=opened.pk)
    for user in (personas.case_worker_a, personas.supervisor_a, personas.case_worker_a):
        expected = case.annotate(value=Exists(assigned(user.pk))).values_list("value", flat=True)
        bound = case.annotate(value=once.bind(user=user.pk)).values_list("value", flat=True)
        assert list(bound) == list(expected)
    assert list(
        case.annotate(value=once.bind(user=personas.case_worker_a.pk)).values_list(
            "value", flat=True
        )
    ) == [True]


def assigned(user):
    return Assignment.objects.filter(case=OuterRef("pk"), user_id=user)


def test_a_time_parameter_compares_as_the_orm_compares_it(personas):
    opened = make_case(personas, "a")
    after = Param("after", DateTimeField())
    once = Compiled(Case, Exists(events_after(after)), BooleanField())
    case = Case.objects.filter(pk=opened.pk)
    first = CaseEvent.objects.filter(case=opened).order_by("at").values_list("at", flat=True)[0]
    for moment in (first - timedelta(seconds=1), first, timezone.now() + timedelta(days=1)):
        expected = case.annotate(value=Exists(events_after(moment))).values_list("value", flat=True)
        bound = case.annotate(value=once.bind(after=moment)).values_list("value", flat=True)
        assert list(bound) == list(expected), moment


def events_after(moment):
    return CaseEvent.objects.filter(case=OuterRef("pk"), at__gt=moment)


def test_a_compiled_condition_in_a_query_that_becomes_a_subquery_reads_that_querys_row(
    personas,
):
    """Django renames a query's table when it becomes a subquery of another (``U0``): the
    kept SQL names the table itself, which there would mean the outer query's row, or none.
    Here the outer rows are other cases than the inner ones, so reading the wrong row gives
    another answer: the cases of a unit that holds a case assigned to the worker."""
    worker = personas.case_worker_a
    mine = make_case(personas, "a")  # assigned to the worker who opens it
    same_unit = make_case(personas, "a")
    other_unit = make_case(personas, "b")
    same_unit.assignments.all().delete()
    once = Compiled(Case, Exists(assigned(Param("user", UUIDField()))), BooleanField())

    def sharing_a_unit(condition):
        inner = Case.objects.filter(condition, unit=OuterRef("unit"))
        return set(Case.objects.filter(Exists(inner)).values_list("pk", flat=True))

    expected = sharing_a_unit(Exists(assigned(worker.pk)))
    assert {mine.pk, same_unit.pk} <= expected and other_unit.pk not in expected
    for _ in range(2):  # the kept SQL, and the subquery's own, in either order
        assert sharing_a_unit(once.bind(user=worker.pk)) == expected
        top = Case.objects.filter(once.bind(user=worker.pk))
        assert set(top.values_list("pk", flat=True)) == {mine.pk}
    notes = CaseNote.objects.filter(case__in=Case.objects.filter(once.bind(user=worker.pk)))
    work.add_note(worker, mine, "Called back.")
    work.add_note(personas.case_worker_b, other_unit, "Visited.")
    assert [note.case_id for note in notes] == [mine.pk]


def test_a_compiled_expression_is_refused_in_a_query_of_another_model(personas):
    once = Compiled(Case, Exists(assigned(Param("user", UUIDField()))), BooleanField())
    with pytest.raises(TypeError):
        CaseNote.objects.filter(once.bind(user=personas.case_worker_a.pk))
