"""Encrypted fields: what is stored, what can be asked of them, and how a wrong key fails."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import FieldError, ImproperlyConfigured, ValidationError
from django.test import override_settings

from lindungi.core import crypto
from lindungi.core.fields import EncryptedCharField
from lindungi.places.models import ServicePoint
from tests.core.encryption_app.models import Person
from tests.core.encryption_app.support import (
    NEW_KEY,
    OLD_KEY,
    STRANGER_KEY,
    make_key,
    stored,
)

pytestmark = pytest.mark.django_db


def test_values_read_back_as_they_were_written():
    person = Person.objects.create(name="Siti Aminah", nik=None, phone="", address="Jl. Mawar 1")
    person = Person.objects.get(pk=person.pk)
    assert (person.name, person.nik, person.phone, person.address) == (
        "Siti Aminah",
        None,
        "",
        "Jl. Mawar 1",
    )


def test_the_database_holds_a_versioned_ciphertext_under_the_current_key():
    person = Person.objects.create(name="Siti Aminah")
    raw = stored(person, "name")
    assert raw.startswith(crypto.keyring().current_prefix)
    assert "Siti" not in raw
    assert stored(person, "nik") is None


def test_the_same_value_encrypts_differently_each_time():
    first = Person.objects.create(name="Siti Aminah")
    second = Person.objects.create(name="Siti Aminah")
    assert stored(first, "name") != stored(second, "name")


def test_a_service_point_address_is_stored_encrypted(personas):
    point = ServicePoint.objects.get(name="Test safe house")
    assert "Kanari" not in stored(point, "address")
    assert point.address == "Jl. Kanari 9"


def test_max_length_applies_to_the_plaintext():
    with pytest.raises(ValidationError) as caught:
        Person(name="x" * 201).full_clean()
    assert "name" in caught.value.message_dict


@pytest.mark.parametrize("lookup", ["", "__exact", "__iexact", "__icontains", "__in"])
def test_comparing_an_encrypted_field_fails_loudly(lookup):
    value = ["Siti"] if lookup == "__in" else "Siti"
    with pytest.raises(FieldError, match="encrypted"):
        Person.objects.filter(**{f"name{lookup}": value}).count()


def test_an_encrypted_field_can_be_tested_for_null():
    Person.objects.create(name="Siti", nik="3174091203850007")
    Person.objects.create(name="Rina")
    assert Person.objects.filter(nik__isnull=True).count() == 1


def test_an_encrypted_field_cannot_be_unique_or_indexed():
    with pytest.raises(ImproperlyConfigured, match="unique"):
        EncryptedCharField(max_length=10, unique=True)
    with pytest.raises(ImproperlyConfigured, match="db_index"):
        EncryptedCharField(max_length=10, db_index=True)


def test_values_under_an_older_key_stay_readable_and_new_ones_use_the_first_key():
    with override_settings(FIELD_KEYS=[OLD_KEY]):
        person = Person.objects.create(name="Siti Aminah")
    with override_settings(FIELD_KEYS=[NEW_KEY, OLD_KEY]):
        assert Person.objects.get(pk=person.pk).name == "Siti Aminah"
        person.save()
        assert crypto.is_current(stored(person, "name"))


def test_a_value_under_a_key_no_longer_configured_fails_the_read_without_showing_it():
    with override_settings(FIELD_KEYS=[OLD_KEY]):
        person = Person.objects.create(name="Siti Aminah")
    with override_settings(FIELD_KEYS=[NEW_KEY]):
        with pytest.raises(crypto.DecryptionError) as caught:
            Person.objects.get(pk=person.pk)
    message = str(caught.value)
    assert "encryption_app.person.name" in message
    assert "LINDUNGI_FIELD_KEYS" in message
    assert "Siti" not in message


def test_an_altered_ciphertext_fails_authentication():
    person = Person.objects.create(name="Siti Aminah")
    raw = stored(person, "name")
    tampered = raw[:-6] + ("A" if raw[-6] != "A" else "B") + raw[-5:]
    with pytest.raises(crypto.DecryptionError, match="authentication failed"):
        crypto.decrypt(tampered, "encryption_app.person.name")


def test_a_ciphertext_moved_under_another_key_id_fails():
    with override_settings(FIELD_KEYS=[OLD_KEY, NEW_KEY]):
        token = crypto.encrypt("Siti Aminah")
        new_id = crypto.key_id(crypto.decode_key(NEW_KEY, "test"))
        forged = f"v1.{new_id}.{token.split('.', 2)[2]}"
        with pytest.raises(crypto.DecryptionError, match="authentication failed"):
            crypto.decrypt(forged)


def test_plain_text_in_an_encrypted_column_is_refused_not_returned():
    with pytest.raises(crypto.DecryptionError, match="not a Lindungi ciphertext"):
        crypto.decrypt("Jl. Mawar 1", "places.servicepoint.address")


@pytest.mark.parametrize(
    ("field_keys", "index_key", "message"),
    [
        ("not-base64!", make_key("index"), "LINDUNGI_FIELD_KEYS \\(key 1\\): not a base64url"),
        (f"{make_key('a')},c2hvcnQ=", make_key("index"), "LINDUNGI_FIELD_KEYS \\(key 2\\).*32"),
        (f"{make_key('a')},{make_key('a')}", make_key("index"), "repeats"),
        ("", make_key("index"), "LINDUNGI_FIELD_KEYS: at least one key"),
        (make_key("a"), "too short", "LINDUNGI_INDEX_KEY"),
        (f"{make_key('a')},{make_key('b')}", make_key("b"), "LINDUNGI_INDEX_KEY: must differ"),
    ],
)
def test_a_malformed_or_shared_key_is_refused_naming_the_variable(field_keys, index_key, message):
    with pytest.raises(ImproperlyConfigured, match=message) as caught:
        crypto.build_keyring(field_keys, index_key)
    assert make_key("a") not in str(caught.value)


def test_a_malformed_field_key_stops_start_up(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lindungi.settings",
        "LINDUNGI_DEBUG": "0",
        "LINDUNGI_DATA_DIR": str(tmp_path),
        "LINDUNGI_SECRET_KEY": "start-up-test-secret-key-0123456789abcdefghij",
        "LINDUNGI_FIELD_KEYS": f"{STRANGER_KEY},not-a-key",
        "LINDUNGI_INDEX_KEY": make_key("index"),
        "LINDUNGI_AUDIT_KEY": make_key("audit"),
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "-m", "lindungi.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: LINDUNGI_FIELD_KEYS (key 2)" in result.stderr
