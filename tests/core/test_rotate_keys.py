"""``lindungi rotate-keys``: every value ends under the new key, readable; nothing else moves."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import ExpressionWrapper, F, TextField
from django.test import override_settings

from lindungi.core import crypto
from lindungi.core.fields import encrypted_fields
from lindungi.places.models import ServicePoint
from tests.core.encryption_app.models import Person
from tests.core.encryption_app.support import NEW_KEY, STRANGER_KEY, make_key, stored

pytestmark = pytest.mark.django_db

NAMES = [f"Orang Ke{n} Aminah" for n in range(7)]


@pytest.fixture
def people(personas):
    """Seven people and the personas' service points, all under the test key."""
    for n, name in enumerate(NAMES):
        Person.objects.create(
            name=name, phone=f"0812-3456-78{n:02d}", address=f"Jl. Mawar {n}", version=n
        )
    return {
        (p.pk, p.updated_at, p.version, p.name, p.phone, p.address) for p in Person.objects.all()
    }


def rotate(**options):
    out = StringIO()
    call_command("rotate-keys", stdout=out, **options)
    return out.getvalue()


def stored_values(*models):
    """Every stored ciphertext of the encrypted columns of ``models``, without decrypting."""
    tokens = []
    for model in models or (Person, ServicePoint):
        for field in encrypted_fields(model):
            raw = ExpressionWrapper(F(field.name), output_field=TextField())
            tokens += model._base_manager.annotate(raw=raw).values_list("raw", flat=True)
    return [t for t in tokens if t is not None]


def test_every_value_ends_under_the_new_key_and_reads_back_unchanged(people):
    old_key = settings.FIELD_KEYS[0]
    with override_settings(FIELD_KEYS=[NEW_KEY, old_key]):
        output = rotate(batch_size=3)
        assert all(crypto.is_current(t) for t in stored_values())
    with override_settings(FIELD_KEYS=[NEW_KEY]):
        after = {
            (p.pk, p.updated_at, p.version, p.name, p.phone, p.address)
            for p in Person.objects.all()
        }
        assert after == people  # same values, and updated_at and version untouched
        assert ServicePoint.objects.get(name="Test safe house").address == "Jl. Kanari 9"
        assert Person.objects.search_name("aminah").count() == len(NAMES)
    assert "values/s" in output
    assert "older keys can be removed" in output
    assert "Aminah" not in output


def test_an_interrupted_rotation_carries_on_where_it_stopped(people):
    old_key = settings.FIELD_KEYS[0]
    with override_settings(FIELD_KEYS=[NEW_KEY, old_key]):
        before = len(stored_values())
        output = rotate(batch_size=2, max_batches=1)
        assert "run again" in output
        halfway = sum(crypto.is_current(t) for t in stored_values())
        assert 0 < halfway < before
        output = rotate(batch_size=2)
        assert all(crypto.is_current(t) for t in stored_values())
        assert "Re-encrypted 0 values" in rotate(batch_size=2)  # nothing left
    with override_settings(FIELD_KEYS=[NEW_KEY]):
        assert {p.name for p in Person.objects.all()} == set(NAMES)


def test_a_batch_that_fails_changes_nothing_and_the_next_run_finishes(people):
    old_key = settings.FIELD_KEYS[0]
    with override_settings(FIELD_KEYS=[STRANGER_KEY]):
        Person.objects.create(name="Zulfa Aminah")  # under a key the next run lacks
    with override_settings(FIELD_KEYS=[NEW_KEY, old_key]):
        with pytest.raises(crypto.DecryptionError):
            rotate(batch_size=100)
        # Other models' batches committed; the failing batch of people rolled back whole.
        assert not any(crypto.is_current(t) for t in stored_values(Person))
    with override_settings(FIELD_KEYS=[NEW_KEY, old_key, STRANGER_KEY]):
        rotate(batch_size=100)
        assert all(crypto.is_current(t) for t in stored_values())


def test_values_already_under_the_current_key_are_not_rewritten(people):
    person = Person.objects.first()
    before = stored(person, "name")
    output = rotate()
    assert stored(person, "name") == before
    assert "Re-encrypted 0 values" in output


def test_reindex_rebuilds_the_blind_index_after_the_index_key_changed(people):
    with override_settings(INDEX_KEY=make_key("the-next-index-key")):
        assert not Person.objects.search_name("aminah").exists()
        rotate(reindex=True)
        assert Person.objects.search_name("aminah").count() == len(NAMES)
        assert Person.objects.search_name("orang aminah").count() == len(NAMES)  # by a pair
        assert Person.objects.search_name("ke3 aminah").get().name == NAMES[3]
        assert Person.objects.with_phone("0812-3456-7800").exists()
