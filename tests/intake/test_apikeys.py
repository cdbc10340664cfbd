"""Integrations' API keys: shown once, stored hashed, intake only, revocable, audited."""

import hashlib

import pytest
from django.core.management import CommandError, call_command

from lindungi.audit.models import AuditEvent
from lindungi.intake import apikeys
from lindungi.intake.models import ApiKey

URL = "/api/v1/reports"


def test_a_key_is_stored_only_as_its_sha256(db):
    api_key, key = apikeys.create_key("112-dispatch")
    stored = ApiKey.objects.get(pk=api_key.pk)
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key.startswith(stored.prefix + "_")
    assert len(key) > 40
    assert key not in str(list(ApiKey.objects.values()))


def test_the_command_prints_the_key_once_and_audits_without_it(db, capsys):
    call_command("apikey", "create", "citizen-app")
    key = capsys.readouterr().out.strip()
    assert apikeys.verify_key(key).name == "citizen-app"
    event = AuditEvent.objects.get(action="apikey.create")
    assert key not in repr(event.__dict__)


def test_a_second_active_key_for_one_integration_is_refused(db):
    call_command("apikey", "create", "citizen-app")
    with pytest.raises(CommandError):
        call_command("apikey", "create", "citizen-app")


def test_a_revoked_key_is_refused_at_the_next_request(client, db, capsys):
    call_command("apikey", "create", "112-dispatch")
    key = capsys.readouterr().out.strip()
    call_command("apikey", "revoke", "112-dispatch")
    assert apikeys.verify_key(key) is None
    response = client.post(
        URL,
        {"what_happened": "x"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 401
    assert AuditEvent.objects.filter(action="apikey.revoke").exists()


def test_after_revoking_the_integration_can_get_a_new_key(db):
    _old, old_key = apikeys.create_key("112-dispatch")
    apikeys.revoke_key("112-dispatch")
    _new, new_key = apikeys.create_key("112-dispatch")
    assert apikeys.verify_key(new_key).name == "112-dispatch"
    assert apikeys.verify_key(old_key) is None


def test_revoking_an_unknown_integration_says_so(db):
    with pytest.raises(CommandError):
        call_command("apikey", "revoke", "nobody")


def test_a_key_opens_the_intake_api_only(client, db):
    _api_key, key = apikeys.create_key("112-dispatch")
    response = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401


def test_a_key_of_another_scope_does_not_open_intake(db):
    _api_key, key = apikeys.create_key("statistics", scope="stats")
    assert apikeys.verify_key(key) is None


def test_a_staff_session_does_not_open_the_intake_api(client, personas):
    from tests.login import log_in

    log_in(client, personas.intake_officer)
    response = client.post(URL, {"what_happened": "x"}, content_type="application/json")
    assert response.status_code == 401
