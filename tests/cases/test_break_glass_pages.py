"""Break-glass pages: a supervisor opens a case outside their scope with a reason and a fresh
code, for four hours, to read it; another supervisor reviews every use."""

import re
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from lindungi.accounts.models import Membership, User
from lindungi.audit.models import AuditEvent
from lindungi.cases.models import BreakGlass
from tests.cases.factories import make_case
from tests.login import log_in, totp_code

REASON = "The survivor is at our office and needs the safety plan now."


@pytest.fixture
def case(personas):
    return make_case(personas, "a")


def page(case_id):
    return reverse("cases:break_glass", args=[case_id])


def without_tokens(response):
    return re.sub(r'value="[^"]{32,}"', "", response.content.decode())


@pytest.fixture
def supervisor_b(client, personas):
    return log_in(client, personas.supervisor_b)


def test_the_page_is_the_same_for_a_real_and_an_unknown_case_before_the_code(
    client, case, supervisor_b
):
    real, unknown = client.get(page(case.pk)), client.get(page(uuid.uuid4()))
    assert real.status_code == unknown.status_code == 200
    assert without_tokens(real) == without_tokens(unknown)
    assert case.survivor_code not in real.content.decode()


def test_reason_and_a_fresh_code_open_the_case_for_reading(client, personas, case, supervisor_b):
    response = client.post(page(case.pk), {"reason": REASON, "code": totp_code(supervisor_b)})
    assert response.status_code == 302
    assert response.url == reverse("cases:detail", args=[case.pk])
    grant = BreakGlass.objects.get(case=case, user=personas.supervisor_b)
    assert grant.reason == REASON and grant.reviewed_at is None
    assert client.get(response.url).status_code == 200
    assert client.get(reverse("cases:edit_case", args=[case.pk])).status_code == 404
    event = AuditEvent.objects.filter(action="case.break_glass").latest("pk")
    assert "office" not in str(event.__dict__)


def test_a_reused_totp_code_is_refused(client, personas, case, supervisor_b):
    code = totp_code(supervisor_b)
    client.post(page(case.pk), {"reason": REASON, "code": code})
    other = make_case(personas, "a")
    response = client.post(page(other.pk), {"reason": REASON, "code": code})
    assert response.status_code == 200 and "code" in response.context["form"].errors
    assert not BreakGlass.objects.filter(case=other).exists()


def test_a_wrong_code_opens_nothing_and_reveals_nothing(client, case, supervisor_b):
    wrong = f"{(int(totp_code(supervisor_b)) + 1) % 1_000_000:06d}"
    for case_id in (case.pk, uuid.uuid4()):
        response = client.post(page(case_id), {"reason": REASON, "code": wrong})
        assert response.status_code == 200 and "code" in response.context["form"].errors
    assert not BreakGlass.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"reason": "", "code": "123456"},
        {"reason": "because", "code": "123456"},
        {"reason": "x" * 2001, "code": "123456"},
        {"reason": REASON, "code": ""},
        {"reason": REASON, "code": "12ab56"},
        {"reason": REASON, "code": "1234567"},
    ],
)
def test_bad_input_opens_nothing(client, case, supervisor_b, bad):
    response = client.post(page(case.pk), bad)
    assert response.status_code == 200 and response.context["form"].errors
    assert not BreakGlass.objects.exists()


def test_an_unknown_case_is_said_to_be_not_found_only_after_reason_and_code(
    client, personas, supervisor_b
):
    missing = uuid.uuid4()
    response = client.post(page(missing), {"reason": REASON, "code": totp_code(supervisor_b)})
    assert response.status_code == 404
    assert "cases/break_glass_not_found.html" in [t.name for t in response.templates]
    assert not BreakGlass.objects.exists()
    assert AuditEvent.objects.filter(action="case.denied", object_id=str(missing)).exists()


def test_the_access_ends_after_four_hours(client, personas, case, supervisor_b):
    client.post(page(case.pk), {"reason": REASON, "code": totp_code(supervisor_b)})
    detail = reverse("cases:detail", args=[case.pk])
    for later, status in (
        (timedelta(hours=3, minutes=59), 200),
        (timedelta(hours=4, minutes=1), 404),
    ):
        with time_machine.travel(timezone.now() + later):
            log_in(client, personas.supervisor_b)  # the session itself idles out in between
            assert client.get(detail).status_code == status


@pytest.mark.parametrize("persona", ["case_worker_a", "case_worker_b", "analyst", "outsider"])
def test_only_supervisors_have_a_break_glass_page(client, personas, case, persona):
    from lindungi.audit.models import AuditEvent

    log_in(client, getattr(personas, persona))
    assert client.get(page(case.pk)).status_code == 404
    assert AuditEvent.objects.filter(
        action="case.denied", object_id=str(case.pk), fields=["break_glass"]
    ).exists()
    assert client.get(reverse("cases:break_glass_reviews")).status_code == 403


def test_the_break_glass_pages_need_a_login(client, case):
    for url in (page(case.pk), reverse("cases:break_glass_reviews")):
        response = client.get(url)
        assert response.status_code == 302 and "/akun/" in response.url


# --- The review queue --------------------------------------------------------------------


@pytest.fixture
def grant(client, case, supervisor_b):
    client.post(page(case.pk), {"reason": REASON, "code": totp_code(supervisor_b)})
    return BreakGlass.objects.get()


@pytest.fixture
def colleague(personas):
    """A second supervisor of unit B, who reviews supervisor B's use."""
    user = User.objects.create_user("sup.b2@test.lindungi.id", "x" * 16, display_name="Rina")
    Membership.objects.create(user=user, unit=personas.unit_b, role="supervisor")
    browser = Browser()
    log_in(browser, user)
    return user, browser


def test_another_supervisor_of_the_unit_sees_and_closes_the_review(case, grant, colleague):
    user, browser = colleague
    queue = reverse("cases:break_glass_reviews")
    shown = browser.get(queue).content.decode()
    assert case.survivor_code in shown and REASON in shown and "Supervisor B" in shown
    response = browser.post(queue, {"grant": grant.pk, "note": "Justified: safety plan."})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.reviewed_by == user and grant.review_note == "Justified: safety plan."
    assert case.survivor_code not in browser.get(queue).content.decode()


def test_a_supervisor_cannot_review_their_own_use(client, grant):
    queue = reverse("cases:break_glass_reviews")
    response = client.post(queue, {"grant": grant.pk, "note": "All fine."}, follow=True)
    shown = [m.level_tag for m in response.context["messages"]]
    assert response.status_code == 200 and shown[-1] == "error"
    grant.refresh_from_db()
    assert grant.reviewed_at is None


def test_a_review_needs_a_note(grant, colleague):
    _user, browser = colleague
    response = browser.post(reverse("cases:break_glass_reviews"), {"grant": grant.pk, "note": ""})
    assert response.status_code == 200
    grant.refresh_from_db()
    assert grant.reviewed_at is None


def test_supervisors_of_another_unit_neither_see_nor_close_the_review(personas, case, grant):
    browser = Browser()
    log_in(browser, personas.supervisor_a)
    queue = reverse("cases:break_glass_reviews")
    assert REASON not in browser.get(queue).content.decode()
    assert browser.post(queue, {"grant": grant.pk, "note": "Looks fine."}).status_code == 404
    for bad in ({"grant": "not-a-uuid", "note": "x"}, {"grant": uuid.uuid4(), "note": "x"}):
        assert browser.post(queue, bad).status_code in (200, 404)
    grant.refresh_from_db()
    assert grant.reviewed_at is None
