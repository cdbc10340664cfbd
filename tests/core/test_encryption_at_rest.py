"""A canary saved through the models never reaches the database in plain text."""

import pytest

from lindungi.accounts.models import Unit
from lindungi.accounts.roles import UnitType
from lindungi.places.models import ServicePoint, ServicePointKind
from tests.core.encryption_app.models import Person
from tests.core.encryption_app.support import committed, database_bytes

CANARY_NAME = "Kenaritest Sulastriwati"
CANARY_ALIAS = "Mbak Kenaritest"
CANARY_PHONE = "0812-7777-3141"
CANARY_NIK = "3174091203850007"
CANARY_ADDRESS = "Jl. Kenaritest Rahasia 77"
# Plain columns: if these were missing from the bytes, the test would be looking wrong.
CONTROL_NAME = "Rumah Aman Kontrolkenari"

SECRETS = [
    CANARY_NAME,
    "Kenaritest",
    "Sulastriwati",
    CANARY_PHONE,
    "081277773141",
    "6281277773141",
    "7777-3141",
    CANARY_NIK,
    CANARY_ADDRESS,
    "Rahasia 77",
]


def _save_canaries():
    unit = Unit.objects.create(
        name="Unit Kontrolkenari", type=UnitType.SAFE_HOUSE, region_id="31.74.01.1002"
    )
    ServicePoint.objects.create(
        name=CONTROL_NAME,
        kind=ServicePointKind.SAFE_HOUSE,
        unit=unit,
        region_id="31.74.01.1002",
        address=CANARY_ADDRESS,
    )
    return Person.objects.create(
        name=CANARY_NAME,
        alias=CANARY_ALIAS,
        phone=CANARY_PHONE,
        nik=CANARY_NIK,
        address=CANARY_ADDRESS,
    ).pk


def _delete_canaries():
    Person.objects.filter(name__isnull=False).delete()
    ServicePoint.objects.filter(name=CONTROL_NAME).delete()
    Unit.objects.filter(name="Unit Kontrolkenari").delete()


@pytest.fixture
def canary(db):
    """The canary's id. On PostgreSQL the rows are committed, so that pg_dump sees them."""
    from django.db import connection

    if connection.vendor == "sqlite":
        yield _save_canaries()
        return
    pk = committed(_save_canaries)
    try:
        yield pk
    finally:
        committed(_delete_canaries)


def test_a_canary_name_phone_nik_and_address_never_appear_in_the_raw_database(canary):
    data = database_bytes().lower()
    assert CONTROL_NAME.lower().encode() in data
    for secret in SECRETS:
        assert secret.lower().encode() not in data, "a canary value is stored in plain text"


def test_the_blind_index_finds_the_canary(canary):
    assert list(Person.objects.search_name("sulastriwati").values_list("pk", flat=True)) == [canary]
    assert Person.objects.with_phone("+62 812 7777 3141").get().pk == canary
    assert Person.objects.with_nik("3174 0912 0385 0007").get().pk == canary
    found = Person.objects.get(pk=canary)
    assert (found.name, found.phone, found.address) == (
        CANARY_NAME,
        CANARY_PHONE,
        CANARY_ADDRESS,
    )
