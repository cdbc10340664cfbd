"""Logins, logouts, failed logins and changes to users and roles are recorded by themselves."""

from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import RequestFactory

from lindungi.accounts.models import Membership, User
from lindungi.accounts.roles import Role
from lindungi.audit.events import login_hash
from lindungi.audit.middleware import AuditContextMiddleware
from lindungi.audit.models import AuditEvent
from tests.personas import PASSWORD

CANARY_NAME = "Siti Canary Aminah"
CANARY_EMAIL = "siti.canary@example.id"


def anonymous_request():
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="198.51.100.4")
    request.user = AnonymousUser()
    request.session = SessionStore()
    request.membership = None
    request.request_id = "req0000000000000002"
    return request


def last(action):
    return AuditEvent.objects.filter(action=action).latest("id")


def test_a_login_and_a_logout_are_recorded(personas):
    request = anonymous_request()
    user = authenticate(request, username=personas.case_worker_a.email, password=PASSWORD)
    login(request, user)
    logout(request)
    for action in ("auth.login", "auth.logout"):
        event = last(action)
        assert event.actor == personas.case_worker_a
        assert (event.ip, event.request_id) == ("198.51.100.4", "req0000000000000002")


def test_a_failed_login_is_recorded_with_a_keyed_hash_of_the_address(personas):
    for attempted in (personas.case_worker_a.email, "nobody@test.lindungi.id"):
        assert authenticate(anonymous_request(), username=attempted, password="wrong " * 3) is None
        event = last("auth.login_failed")
        assert event.actor is None
        assert (event.object_type, event.object_id) == ("auth.account", login_hash(attempted))
    assert login_hash("Nobody@Test.Lindungi.id ") == login_hash("nobody@test.lindungi.id")


def test_a_user_change_records_the_names_of_the_fields_changed(personas):
    user = personas.case_worker_b
    user.display_name = "Someone Else"
    user.set_password("another long passphrase 2026")
    user.save()
    event = last("user.update")
    assert (event.object_id, event.fields) == (str(user.pk), ["display_name", "password"])


def test_a_save_that_changes_nothing_or_only_the_last_login_records_nothing(personas):
    before = AuditEvent.objects.count()
    personas.analyst.save()
    personas.analyst.save(update_fields=["last_login"])
    assert AuditEvent.objects.count() == before


def test_role_changes_are_recorded_with_the_administrator_who_made_them(personas):
    request = RequestFactory().post("/admin/", REMOTE_ADDR="192.0.2.1")
    request.user = personas.administrator
    request.membership = personas.administrator.memberships.get()
    request.request_id = "req0000000000000003"

    def grant_and_revoke(request):
        membership = Membership.objects.create(
            user=personas.case_worker_a, unit=personas.unit_a, role=Role.SUPERVISOR
        )
        membership.role = Role.CASE_WORKER
        membership.unit = personas.unit_b
        membership.save()
        membership_id = str(membership.pk)
        membership.delete()
        return membership_id

    membership_id = AuditContextMiddleware(grant_and_revoke)(request)
    created, updated, deleted = (
        last(f"membership.{verb}") for verb in ("create", "update", "delete")
    )
    assert updated.fields == ["role", "unit"]
    for event in (created, updated, deleted):
        assert event.object_id == membership_id
        assert (event.actor, event.unit, event.role) == (
            personas.administrator,
            personas.administration,
            Role.ADMINISTRATOR,
        )
        assert event.request_id == "req0000000000000003"


def test_no_audit_row_holds_personal_data(personas):
    """A login, a failed login and a user change leave no name or address in the table."""
    user = User.objects.create_user(CANARY_EMAIL, PASSWORD, display_name=CANARY_NAME)
    login(
        anonymous_request(),
        authenticate(anonymous_request(), username=CANARY_EMAIL, password=PASSWORD),
    )
    authenticate(anonymous_request(), username=CANARY_EMAIL, password="wrong " * 3)
    authenticate(anonymous_request(), username="canary.unknown@example.id", password="wrong " * 3)
    user.display_name = "Siti Canary Rahayu"
    user.email = "rahayu.canary@example.id"
    user.save()
    assert AuditEvent.objects.filter(object_id=str(user.pk)).count() == 2

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_auditevent")
        dump = repr(cursor.fetchall()).lower()
    for canary in ("canary", "siti", "aminah", "rahayu", "example.id", PASSWORD):
        assert canary not in dump
