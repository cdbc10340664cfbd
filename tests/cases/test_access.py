import re
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lindungi.audit.models import AuditEvent
from lindungi.cases import actions
from lindungi.cases.access import (
    Need,
    Via,
    get_case_for,
    get_case_part_for,
    reach_without_assignment,
)
from lindungi.cases.attachments import upload_attachment
from lindungi.cases.models import Attachment, Case, Client, NamedAccess
from lindungi.casework import actions as work
from lindungi.casework.models import CaseNote
from tests.cases.factories import make_case


def visible(user, case):
    return Case.objects.restrict(user).filter(pk=case.pk).exists()


@pytest.fixture
def cases(personas):
    return {
        "a": make_case(personas, "a"),
        "b": make_case(personas, "b"),
        "restricted": make_case(personas, "a", restricted=True),
    }


EXPECTED = {
    # persona: cases it sees
    "case_worker_a": {"a", "restricted"},  # assigned to both; named on the restricted one
    "case_worker_b": {"b"},
    "supervisor_a": {"a", "restricted"},  # unit supervisors are named when it is restricted
    "supervisor_b": {"b"},
    "intake_officer": set(),
    "responder": set(),
    "shelter_officer": set(),
    "partner_officer": set(),
    "analyst": set(),
    "administrator": set(),
    "outsider": set(),
}


def test_each_persona_sees_exactly_what_the_access_model_allows(personas, cases):
    for name, user in personas.everyone():
        seen = {key for key, case in cases.items() if visible(user, case)}
        assert seen == EXPECTED[name], name


def test_an_unassigned_case_worker_of_the_unit_does_not_see_the_case(personas, cases):
    from lindungi.accounts.models import Membership, User

    colleague = User.objects.create_user("colleague@test.lindungi.id", "x" * 16, display_name="C")
    Membership.objects.create(user=colleague, unit=personas.unit_a, role="case_worker")
    assert not visible(colleague, cases["a"])
    actions.assign_worker(personas.supervisor_a, cases["a"], colleague)
    assert visible(colleague, cases["a"])


def test_a_restricted_case_is_hidden_from_an_unnamed_supervisor_of_the_unit(personas, cases):
    from lindungi.accounts.models import Membership, User

    new_supervisor = User.objects.create_user("sup2@test.lindungi.id", "x" * 16, display_name="S")
    Membership.objects.create(user=new_supervisor, unit=personas.unit_a, role="supervisor")
    assert visible(new_supervisor, cases["a"])
    assert not visible(new_supervisor, cases["restricted"])


def test_a_supervisor_sees_what_they_are_named_on_in_any_unit_and_no_other_restricted_case(
    personas, cases
):
    """The named condition of a supervisor is asked in two halves (their own units'
    restricted cases one by one, any other by the list of their names): together, exactly
    the cases they are named on, in whichever unit, open or restricted."""
    supervisor = personas.supervisor_a
    other_open, other_restricted = make_case(personas, "b"), make_case(personas, "b", True)
    unnamed = make_case(personas, "a", restricted=True)
    NamedAccess.objects.filter(case=unnamed, user=supervisor).delete()
    for case in (other_open, other_restricted):
        NamedAccess.objects.create(
            case=case, user=supervisor, granted_by=personas.supervisor_b, granted_at=timezone.now()
        )
    listed = set(Case.objects.restrict(supervisor).values_list("pk", flat=True))
    expected = {cases["a"].pk, cases["restricted"].pk, other_open.pk, other_restricted.pk}
    assert listed == expected
    for case in (*cases.values(), other_open, other_restricted, unnamed):
        assert visible(supervisor, case) == (case.pk in expected)
        try:
            decided = get_case_for(supervisor, case.pk) is not None
        except Http404:
            decided = False
        assert decided == (case.pk in expected)


def test_out_of_scope_and_missing_cases_get_the_same_404_and_are_audited(personas, cases):
    before = AuditEvent.objects.filter(action="case.denied").count()
    with pytest.raises(Http404):
        get_case_for(personas.case_worker_b, cases["a"].pk)
    with pytest.raises(Http404):
        get_case_for(personas.case_worker_b, "00000000-0000-0000-0000-000000000000")
    with pytest.raises(Http404):
        get_case_for(personas.case_worker_b, "not-a-uuid")
    assert AuditEvent.objects.filter(action="case.denied").count() == before + 3


def test_a_case_worker_can_edit_an_assigned_case_but_not_another(personas, cases):
    assert get_case_for(personas.case_worker_a, cases["a"].pk, Need.EDIT).case == cases["a"]
    with pytest.raises(Http404):
        get_case_for(personas.case_worker_b, cases["a"].pk, Need.EDIT)


def test_break_glass_opens_one_case_for_four_hours_then_closes(personas, cases):
    supervisor = personas.supervisor_b
    assert not visible(supervisor, cases["a"])
    grant = actions.break_glass(supervisor, cases["a"], "Survivor at our desk, in danger now")
    assert visible(supervisor, cases["a"])
    assert not visible(supervisor, cases["restricted"])
    with pytest.raises(Http404):  # reading, never editing
        get_case_for(supervisor, cases["a"].pk, Need.EDIT)
    with time_machine.travel(timezone.now() + timedelta(hours=4, minutes=1)):
        assert not visible(supervisor, cases["a"])
    assert grant.reviewed_at is None


def test_break_glass_needs_a_reason_and_a_supervisor(personas, cases):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError):
        actions.break_glass(personas.supervisor_b, cases["a"], "  ")
    with pytest.raises(PermissionDenied):
        actions.break_glass(personas.case_worker_b, cases["a"], "I would like to look at it")


def test_break_glass_is_reviewed_by_another_supervisor_never_oneself(personas, cases):
    from django.core.exceptions import PermissionDenied

    from lindungi.accounts.models import Membership, User
    from lindungi.notifications.models import Notification

    reviewer = User.objects.create_user("rev@test.lindungi.id", "x" * 16, display_name="R")
    Membership.objects.create(user=reviewer, unit=personas.unit_b, role="supervisor")
    grant = actions.break_glass(
        personas.supervisor_b, cases["a"], "Survivor at our desk, in danger"
    )
    assert Notification.objects.filter(user=reviewer, kind="break_glass_used").exists()
    with pytest.raises(PermissionDenied):
        actions.review_break_glass(personas.supervisor_b, grant, "fine")
    with pytest.raises(PermissionDenied):
        actions.review_break_glass(personas.supervisor_a, grant, "not my unit")
    actions.review_break_glass(reviewer, grant, "Justified")
    grant.refresh_from_db()
    assert grant.reviewed_by == reviewer
    assert AuditEvent.objects.filter(
        action="case.break_glass", object_id=str(cases["a"].pk)
    ).exists()


# --- The access object and the narrowing agree -------------------------------------------


def test_the_access_object_says_what_and_why_for_each_kind_of_access(personas, cases):
    actions.break_glass(personas.supervisor_b, cases["a"], "Survivor at the hospital now")
    seen = {
        (name, key): get_case_for(getattr(personas, name), cases[key].pk)
        for name, key in [
            ("case_worker_a", "a"),
            ("supervisor_a", "a"),
            ("case_worker_a", "restricted"),
            ("supervisor_b", "a"),
        ]
    }
    worker, supervisor, named, glass = seen.values()
    assert worker.via == {Via.ASSIGNMENT} and worker.may_edit and not worker.may_supervise
    assert supervisor.via == {Via.SUPERVISION} and supervisor.may_supervise
    assert Via.NAMED in named.via and named.may_read_content and named.may_edit
    assert glass.via == {Via.BREAK_GLASS} and glass.break_glass_until is not None
    assert not (glass.may_edit or glass.may_read_content or glass.may_supervise)


@pytest.mark.parametrize("need", [Need.VIEW, Need.CONTENT, Need.EDIT, Need.SUPERVISE])
def test_the_access_object_and_restrict_agree_for_every_persona(personas, cases, need):
    actions.break_glass(personas.supervisor_b, cases["a"], "Survivor at the hospital now")
    for name, user in personas.everyone():
        listed = set(Case.objects.restrict(user, need).values_list("pk", flat=True))
        for case in cases.values():
            try:
                allowed = get_case_for(user, case.pk).allows(need)
            except Http404:
                allowed = False
            assert allowed == (case.pk in listed), (name, case.survivor_code, need)


def test_an_expired_break_glass_grant_is_no_reach(personas, cases):
    actions.break_glass(personas.supervisor_b, cases["a"], "Survivor at the hospital now")
    assert reach_without_assignment(personas.supervisor_b) == [cases["a"].pk]
    with time_machine.travel(
        timezone.now() + timedelta(hours=actions.BREAK_GLASS_HOURS, minutes=1)
    ):
        assert reach_without_assignment(personas.supervisor_b) == []


@pytest.mark.parametrize("model", [Client, CaseNote, Attachment])
def test_a_part_out_of_reach_takes_the_same_path_as_one_that_never_existed(personas, cases, model):
    # A part of another unit's case used to cost a second query (its case looked up, then
    # refused): 4-6 ms more than a random id, enough to tell that it exists (issue 11).
    worker = cases["a"].workers.first()
    parts = {
        Client: lambda: cases["a"].clients.first(),
        CaseNote: lambda: work.add_note(worker, cases["a"], "A note"),
        Attachment: lambda: upload_attachment(
            worker,
            cases["a"],
            SimpleUploadedFile("n.txt", b"A plain text note.", content_type="text/plain"),
        ),
    }
    part = parts[model]()
    statements = []
    for part_id in (part.pk, uuid.uuid4()):
        with CaptureQueriesContext(connection) as queries, pytest.raises(Http404):
            get_case_part_for(personas.case_worker_b, model, part_id)
        statements.append([_shape(q["sql"]) for q in queries.captured_queries])
    assert statements[0] == statements[1]


def _shape(sql):
    """A statement without its values: the ids and times differ, the work must not."""
    return re.sub(r"'[^']*'|\b[0-9a-f]{32}\b|\b\d+\b", "?", sql)
