"""The triage queue at /laporan/triase/ and the actions on a report's page."""

import re
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from lindungi.accounts.models import Membership, User
from lindungi.accounts.roles import Role
from lindungi.audit.models import AuditEvent
from lindungi.cases.models import Case
from lindungi.intake import actions
from lindungi.intake.models import Report, ReportStatus
from lindungi.response.actions import request_dispatch
from tests.cases.factories import make_case
from tests.login import log_in

QUEUE = "/laporan/triase/"


def received(officer, unit, **data):
    draft = actions.save_draft(
        officer, unit, {"channel": "phone", "what_happened": "Canary story", **data}
    )
    return actions.submit_report(officer, draft, draft.version)


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def at_112(personas):
    """A report taken at 112 with one person hurt, medium risk."""
    draft = actions.save_draft(
        personas.intake_officer,
        personas.call_centre,
        {"channel": "call_112", "what_happened": "Canary story", "injuries": True},
        [{"name": "Siti Aminah", "age": 36, "sex": "female"}],
    )
    return actions.submit_report(personas.intake_officer, draft, draft.version)


@pytest.fixture
def online(db):
    report, _pin = actions.receive_public_report({"what_happened": "Canary online"})
    return report


def url(report, action=""):
    return f"/laporan/triase/{report.pk}/{action + '/' if action else ''}"


def test_the_queue_is_sorted_by_due_time_with_overdue_and_urgent_marked(
    english, personas, at_112, online
):
    high = received(personas.intake_officer, personas.call_centre, in_danger_now=True)
    ask = {"location": "Jl. Melati 4", "danger": "A knife"}
    request_dispatch(personas.intake_officer, personas.rapid_response, ask, report=high)
    with time_machine.travel(timezone.now() + timedelta(hours=7)):
        log_in(english, personas.intake_officer)
        page = english.get(QUEUE).content.decode()
    assert page.index(high.reference) < page.index(at_112.reference) < page.index(online.reference)
    assert page.count("OVERDUE by") == 2  # high (due at once) and medium (6 hours)
    assert "URGENT: rapid response requested" in page
    assert "Canary" not in page and "Siti" not in page  # the list shows no personal data


def test_online_reports_wait_in_the_112_and_service_centre_queues_not_elsewhere(
    client, personas, at_112, online
):
    log_in(client, personas.supervisor_b)
    page = client.get(QUEUE).content.decode()
    assert online.reference in page
    assert at_112.reference not in page  # another unit's report
    post = Membership.objects.create(
        user=User.objects.create_user("post@test.lindungi.id", "a long passphrase 2026"),
        unit=personas.safe_house,
        role=Role.SUPERVISOR,
    )
    log_in(client, post.user)
    assert online.reference not in client.get(QUEUE).content.decode()


def test_reading_a_report_shows_the_screening_and_is_audited(english, personas, at_112):
    log_in(english, personas.intake_officer)
    page = english.get(url(at_112)).content.decode()
    assert "Are there injuries that need care?</dt><dd>Yes" in page
    assert "Is the person in danger now?</dt><dd>Not asked" in page
    assert "Canary story" in page and "Siti Aminah" in page
    assert AuditEvent.objects.filter(action="report.read", object_id=str(at_112.pk)).exists()


# --- Permissions ------------------------------------------------------------------------

ACTIONS = [
    "risiko",
    "kasus",
    "serahkan",
    "cari",
    "tautkan",
    "rujuk",
    "tutup",
]


def test_the_triage_pages_need_a_login(client, at_112):
    for address in [QUEUE, url(at_112)]:
        response = client.get(address)
        assert response.status_code == 302 and "/akun/" in response.url
    for action in ACTIONS:
        assert client.post(url(at_112, action), {"version": 2}).status_code == 302


@pytest.mark.parametrize("persona", ["case_worker_a", "responder", "partner_officer", "analyst"])
def test_other_roles_may_not_triage(client, personas, at_112, persona):
    log_in(client, getattr(personas, persona))
    assert client.get(QUEUE).status_code == 403
    # The report page also answers those who may see the report's case: for anyone else
    # the report does not exist.
    assert client.get(url(at_112)).status_code == 404
    for action in ACTIONS:
        assert client.post(url(at_112, action), {"version": at_112.version}).status_code == 403


def test_another_units_report_is_not_found(client, personas, at_112):
    log_in(client, personas.supervisor_b)
    assert client.get(url(at_112)).status_code == 404
    for action in ACTIONS:
        response = client.post(url(at_112, action), {"version": at_112.version, "to": "x"})
        assert response.status_code == 404
    assert Report.objects.get(pk=at_112.pk).version == at_112.version


def test_a_draft_is_not_in_triage(client, personas):
    draft = actions.save_draft(personas.intake_officer, personas.call_centre, {"channel": "phone"})
    log_in(client, personas.intake_officer)
    response = client.get(url(draft))
    assert response.status_code == 302 and response.url == f"/laporan/draf/{draft.pk}/"
    assert str(draft.pk) not in client.get(QUEUE).content.decode()


# --- Actions ----------------------------------------------------------------------------


def test_overriding_the_risk_needs_a_reason(english, personas, at_112):
    log_in(english, personas.intake_officer)
    refused = english.post(url(at_112, "risiko"), {"version": at_112.version, "level": "high"})
    assert refused.status_code == 400
    assert "This field is required." in refused.content.decode()
    assert Report.objects.get(pk=at_112.pk).risk == "medium"
    done = english.post(
        url(at_112, "risiko"),
        {"version": at_112.version, "level": "high", "reason": "She sounded terrified"},
    )
    assert done.status_code == 302 and done.url == url(at_112)
    report = Report.objects.get(pk=at_112.pk)
    assert report.risk == "high" and report.risk_computed == "medium"
    assert report.due_at == report.received_at


def test_a_service_centre_supervisor_opens_a_case_from_the_report(client, personas, online):
    log_in(client, personas.supervisor_a)
    response = client.post(
        url(online, "kasus"), {"version": online.version, "unit": personas.unit_a.pk}
    )
    report = Report.objects.get(pk=online.pk)
    assert report.status == ReportStatus.CASE_OPENED
    assert report.case.unit == personas.unit_a
    # The supervisor goes on with the new case.
    assert response.status_code == 302 and response.url == f"/kasus/{report.case_id}/"


def test_a_112_officer_hands_over_to_a_service_centre_which_opens_the_case(
    english, personas, at_112
):
    log_in(english, personas.intake_officer)
    page = english.get(url(at_112)).content.decode()
    assert "You cannot open cases yourself" in page
    refused = english.post(
        url(at_112, "kasus"), {"version": at_112.version, "unit": personas.unit_a.pk}
    )
    assert refused.status_code == 400  # no unit of theirs to choose
    handed = english.post(
        url(at_112, "serahkan"),
        {"version": at_112.version, "unit": personas.unit_a.pk},
        follow=True,
    )
    assert "handed over to Unit A (UPTD PPA)" in handed.content.decode()
    assert at_112.reference not in english.get(QUEUE).content.decode()
    assert english.get(url(at_112)).status_code == 200  # the receiving unit still reads it

    log_in(english, personas.supervisor_a)
    assert at_112.reference in english.get(QUEUE).content.decode()
    report = Report.objects.get(pk=at_112.pk)
    english.post(url(report, "kasus"), {"version": report.version, "unit": personas.unit_a.pk})
    report.refresh_from_db()
    assert report.status == ReportStatus.CASE_OPENED
    survivor = report.case.clients.get()
    assert survivor.name == "Siti Aminah" and survivor.age_estimate == 36


def test_a_report_cannot_be_handed_to_a_unit_that_is_not_a_service_centre(
    english, personas, at_112
):
    log_in(english, personas.intake_officer)
    response = english.post(
        url(at_112, "serahkan"), {"version": at_112.version, "unit": personas.partner.pk}
    )
    assert response.status_code == 400
    assert Report.objects.get(pk=at_112.pk).handed_to is None


def test_searching_for_a_case_goes_by_post_and_is_audited_without_its_terms(
    english, personas, online
):
    case = make_case(personas, "a")
    log_in(english, personas.supervisor_a)
    page = english.post(url(online, "cari"), {"phone": "0812 3456 7890"}).content.decode()
    assert case.survivor_code in page and "Siti Aminah" in page
    event = AuditEvent.objects.get(action="data.search")
    assert event.object_type == "cases.client" and event.fields == ["phone"]
    for object_id, fields, reason in AuditEvent.objects.values_list(
        "object_id", "fields", "reason"
    ):
        assert "3456" not in f"{fields} {reason}"
        # An object id is a record's UUID, whose hex digits may spell anything, never the term.
        assert not object_id or uuid.UUID(object_id)
    response = english.post(url(online, "tautkan"), {"version": online.version, "case": case.pk})
    assert response.status_code == 302
    report = Report.objects.get(pk=online.pk)
    assert report.status == ReportStatus.LINKED and report.case == case


def test_a_search_needs_a_term_and_a_valid_phone(english, personas, online):
    log_in(english, personas.intake_officer)
    empty = english.post(url(online, "cari"), {"name": "", "phone": ""})
    assert empty.status_code == 400
    assert "Enter a phone number, a NIK or a name." in empty.content.decode()
    bad = english.post(url(online, "cari"), {"phone": "12"})
    assert bad.status_code == 400 and "Enter a valid phone number." in bad.content.decode()


def test_an_officer_who_cannot_see_the_case_sees_no_name_and_hands_the_report_over(
    english, personas, online
):
    case = make_case(personas, "a")
    log_in(english, personas.intake_officer)
    page = english.post(
        url(online, "cari"), {"name": "siti aminah", "age": "36", "kelurahan": "31.74.01.1001"}
    ).content.decode()
    assert case.survivor_code in page
    assert "Siti" not in page.split("possible case")[1]  # the candidates show no name
    assert "Not shown: not your case" in page
    assert f'name="unit" value="{case.unit_id}"' in page
    linking = english.post(url(online, "tautkan"), {"version": online.version, "case": case.pk})
    assert linking.status_code == 404
    assert Report.objects.get(pk=online.pk).status == ReportStatus.RECEIVED
    english.post(url(online, "serahkan"), {"version": online.version, "unit": case.unit_id})
    assert Report.objects.get(pk=online.pk).handed_to == personas.unit_a


def test_name_candidates_are_narrowed_by_age_and_kelurahan(english, personas, online):
    case = make_case(personas, "a")
    log_in(english, personas.supervisor_a)
    too_young = english.post(url(online, "cari"), {"name": "Siti Aminah", "age": "8"})
    assert case.survivor_code not in too_young.content.decode()
    elsewhere = english.post(
        url(online, "cari"), {"name": "Siti Aminah", "kelurahan": "31.75.01.1001"}
    )
    assert case.survivor_code not in elsewhere.content.decode()


def test_a_restricted_case_the_officer_cannot_see_is_not_a_candidate(english, personas, online):
    case = make_case(personas, "a", restricted=True)
    log_in(english, personas.intake_officer)
    page = english.post(url(online, "cari"), {"phone": "0812-3456-7890"}).content.decode()
    assert case.survivor_code not in page


def test_referring_out_and_closing_need_their_reasons(english, personas, at_112):
    log_in(english, personas.intake_officer)
    assert english.post(url(at_112, "rujuk"), {"version": at_112.version}).status_code == 400
    assert english.post(url(at_112, "tutup"), {"version": at_112.version}).status_code == 400
    long = english.post(url(at_112, "tutup"), {"version": at_112.version, "reason": "x" * 2001})
    assert "Ensure this value has at most 2000 characters" in long.content.decode()
    assert Report.objects.get(pk=at_112.pk).status == ReportStatus.RECEIVED
    english.post(url(at_112, "rujuk"), {"version": at_112.version, "to": "Dinas Sosial"})
    report = Report.objects.get(pk=at_112.pk)
    assert report.status == ReportStatus.REFERRED and report.referred_to == "Dinas Sosial"


@pytest.mark.parametrize("version", ["", "abc", "-1"])
def test_a_missing_or_malformed_version_is_refused(english, personas, at_112, version):
    log_in(english, personas.intake_officer)
    answer = {"version": version, "level": "high", "reason": "Caller whispering"}
    response = english.post(url(at_112, "risiko"), answer)
    assert response.status_code == 400
    assert Report.objects.get(pk=at_112.pk).version == at_112.version  # nothing changed


# --- Two officers at once ---------------------------------------------------------------


def test_two_officers_triaging_at_once_one_wins_and_the_other_is_told(english, personas, at_112):
    colleague = User.objects.create_user("colleague@test.lindungi.id", "a long passphrase 2026")
    Membership.objects.create(user=colleague, unit=personas.call_centre, role=Role.INTAKE_OFFICER)
    seen = at_112.version  # both officers have the page open at this version
    log_in(english, personas.intake_officer)
    first = english.post(url(at_112, "tutup"), {"version": seen, "reason": "Wrong number"})
    assert first.status_code == 302
    log_in(english, colleague)
    second = english.post(url(at_112, "rujuk"), {"version": seen, "to": "Dinas Sosial"})
    assert second.status_code == 409
    page = second.content.decode()
    assert "Someone else acted on this report first" in page
    assert "Closed: not a protection matter" in page
    report = Report.objects.get(pk=at_112.pk)
    assert report.status == ReportStatus.CLOSED and report.referred_to == ""
    assert not Case.objects.exists()


def test_two_supervisors_opening_cases_at_once_open_one(english, personas, online):
    other = User.objects.create_user("sup2@test.lindungi.id", "a long passphrase 2026")
    Membership.objects.create(user=other, unit=personas.unit_a, role=Role.SUPERVISOR)
    data = {"version": online.version, "unit": personas.unit_a.pk}
    log_in(english, personas.supervisor_a)
    assert english.post(url(online, "kasus"), data).status_code == 302
    log_in(english, other)
    assert english.post(url(online, "kasus"), data).status_code == 409
    assert Case.objects.count() == 1


def test_the_report_page_has_no_duplicate_element_ids(client, personas, online):
    log_in(client, personas.supervisor_a)
    page = client.get(url(online)).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert ids and len(ids) == len(set(ids))
