"""Statements compiled once (lindungi.core.compiled_query) give what the ORM gives: the same
rows as model instances (encrypted fields decrypted), values stored as the ORM stores them
(encrypted fields encrypted), on both databases, run after run with new values."""

import json
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.models import CharField
from django.db.models.sql import UpdateQuery

from lindungi.core.compiled import Param
from lindungi.core.compiled_query import CompiledQuery, CompiledStatement
from lindungi.core.models import SubmittedKey

pytestmark = pytest.mark.django_db

AT = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)

BY_KEY = CompiledQuery(
    lambda: SubmittedKey.objects.filter(key=Param("key", CharField())).order_by("pk")[:1]
)


def _outcome_update():
    rows = SubmittedKey.objects.filter(key=Param("key", CharField()))
    query = rows.query.chain(UpdateQuery)
    query.add_update_values({"outcome": Param("outcome", SubmittedKey._meta.get_field("outcome"))})
    return query


SET_OUTCOME = CompiledStatement(_outcome_update)


def _fields(row):
    return {field.attname: getattr(row, field.attname) for field in SubmittedKey._meta.fields}


def test_a_compiled_lookup_reads_each_row_as_the_orm_does():
    for n in range(3):  # compiled on the first call, bound anew on the next
        SubmittedKey.objects.create(
            scope="s", owner="o", key=f"k-{n}", digest="d", outcome=f'{{"n": {n}}}', created_at=AT
        )
    for n in range(3):
        found = BY_KEY.first(key=f"k-{n}")
        assert _fields(found) == _fields(SubmittedKey.objects.get(key=f"k-{n}"))
        assert json.loads(found.outcome) == {"n": n}  # decrypted, as the ORM reads it
        assert found._state.adding is False and found._state.db == "default"
    assert BY_KEY.first(key="k-missing") is None


def test_a_compiled_update_stores_as_the_orm_does_and_counts_its_rows():
    SubmittedKey.objects.create(scope="s", owner="o", key="k-1", created_at=AT)
    assert SET_OUTCOME.execute(key="k-1", outcome='{"secret": "PIN-123456"}') == 1
    assert SET_OUTCOME.execute(key="k-2", outcome="{}") == 0
    assert SubmittedKey.objects.get(key="k-1").outcome == '{"secret": "PIN-123456"}'
    with connection.cursor() as cursor:
        cursor.execute("SELECT outcome FROM core_submittedkey")
        [(stored,)] = cursor.fetchall()
    assert "PIN-123456" not in stored  # encrypted at rest, as the field encrypts it
