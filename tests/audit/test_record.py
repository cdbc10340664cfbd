import pytest
from django.db import transaction

from lindungi.audit.chain import verify
from lindungi.audit.events import record, record_export, record_read, record_search
from lindungi.audit.models import AuditEvent
from lindungi.places.models import Region
from tests.audit.conftest import sealed


def test_a_recorded_event_joins_the_chain(db):
    first = record("case.read", object_type="cases.case", object_id="abc-1")
    second = record("case.update", object_type="cases.case", object_id="abc-1", fields=["b", "a"])
    first, second = sealed(first, second)
    assert second.sequence == first.sequence + 1
    assert second.prev_hash == first.hash
    assert AuditEvent.objects.get(pk=second.pk).fields == ["a", "b"]
    assert verify().intact


def test_actor_unit_role_address_and_request_id_come_from_the_request(staff_request, personas):
    event = record("case.update", request=staff_request, obj=personas.unit_a, fields=["name"])
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor == personas.supervisor_a
    assert stored.unit == personas.unit_a
    assert stored.role == "supervisor"
    assert stored.ip == "203.0.113.7"
    assert stored.request_id == "req0000000000000001"
    assert (stored.object_type, stored.object_id) == ("accounts.unit", str(personas.unit_a.pk))
    assert stored.at.utcoffset().total_seconds() == 0


def test_an_explicit_actor_does_not_borrow_someone_elses_membership(staff_request, personas):
    event = record("auth.login", request=staff_request, actor=personas.case_worker_b)
    assert (event.actor, event.unit, event.role) == (personas.case_worker_b, None, "")


def test_an_event_rolls_back_with_the_write_it_describes(db):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        record("case.update", object_type="cases.case", object_id="abc-1")
        raise RuntimeError
    assert AuditEvent.objects.count() == before
    assert verify().intact


def test_reads_exports_and_searches_name_what_not_the_terms(staff_request):
    region = Region.objects.get(code="31.74")
    read = record_read(staff_request, region, reason="break-glass: review")
    export = record_export(staff_request, "stats.cases_csv", fields=["code", "district"])
    search = record_search(staff_request, "cases.client", fields=["name", "phone"])
    assert (read.action, read.object_type, read.object_id) == (
        "region.read",
        "places.region",
        "31.74",
    )
    assert read.reason == "break-glass: review"
    assert (export.action, export.object_type, export.fields) == (
        "data.export",
        "stats.cases_csv",
        ["code", "district"],
    )
    assert (search.action, search.object_type, search.fields) == (
        "data.search",
        "cases.client",
        ["name", "phone"],
    )


@pytest.mark.parametrize(
    "arguments",
    [
        {"action": "siti aminah"},
        {"action": "case.read", "object_id": "siti@example.id"},
        {"action": "case.read", "object_type": "Siti Aminah"},
        {"action": "case.update", "fields": ["name=Siti"]},
        {"action": "case.update", "fields": ["+62 812 3456 7890"]},
    ],
)
def test_anything_that_looks_like_a_value_is_refused_and_not_repeated(db, arguments):
    action = arguments.pop("action")
    with pytest.raises(ValueError) as refused:
        record(action, **arguments)
    assert "siti" not in str(refused.value).lower()
    assert "812" not in str(refused.value)
    assert not AuditEvent.objects.exists()


def test_behind_the_proxy_the_client_address_is_recorded_not_the_proxys(staff_request):
    staff_request.META.update(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert record("case.read", request=staff_request).ip == "203.0.113.9"
