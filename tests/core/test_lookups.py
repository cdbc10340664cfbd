"""``__any``: the rows ``__in`` gives, in one statement whatever the list's length; a
subquery read once, as the list."""

import pytest
from django.db import connection

from lindungi.places.models import Region

pytestmark = pytest.mark.django_db

CODES = ["31.74.01.1001", "31.71.01.1001", "31.72.01.1001", "31.74.01.1002"]


def test_any_finds_what_in_finds():
    for count in range(len(CODES) + 1):
        wanted = [*CODES[:count], "99.99.99.9999"]  # and a code no region has
        assert set(Region.objects.filter(code__any=wanted)) == set(
            Region.objects.filter(code__in=wanted)
        )
    assert not Region.objects.filter(code__any=[]).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's arrays")
def test_on_postgresql_the_statement_is_the_same_for_any_length():
    def sql(codes):
        return str(Region.objects.filter(code__any=codes).query.sql_with_params()[0])

    assert sql(CODES[:1]) == sql(CODES) and "= ANY(%s)" in sql(CODES)


def test_any_with_a_subquery_finds_what_in_finds():
    for count in range(len(CODES) + 1):
        wanted = Region.objects.filter(code__in=CODES[:count]).values("code")
        assert set(Region.objects.filter(code__any=wanted)) == set(
            Region.objects.filter(code__in=wanted)
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's arrays")
def test_on_postgresql_a_subquery_is_read_once_as_the_list():
    """``= ANY(ARRAY(subquery))``: an InitPlan whose rows are probed on the index, where
    ``IN (subquery)`` is a semi-join the planner may run by walking the outer order."""
    inner = Region.objects.filter(code__in=CODES).values("code")
    sql, params = Region.objects.filter(code__any=inner).query.sql_with_params()
    assert '"code" = ANY(ARRAY(SELECT' in sql
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "InitPlan" in plan and "SubPlan" not in plan
