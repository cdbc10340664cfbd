"""The staff intake form at /laporan/baru/: every channel, drafts that never lose what was
typed, autosave, sending, and the bad inputs of issue 4 (staff side)."""

import re
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from lindungi.accounts.models import Membership, User
from lindungi.accounts.roles import Role
from lindungi.audit.models import AuditEvent
from lindungi.intake import actions
from lindungi.intake.forms import SCREENING_QUESTIONS, STAFF_CHANNELS
from lindungi.intake.models import Report, ReportStatus
from lindungi.intake.risk import SCREENING
from lindungi.intake.views import staff
from lindungi.places.models import ServicePoint, ServicePointKind
from tests.login import log_in

NEW = "/laporan/baru/"
KELURAHAN = "31.74.01.1001"  # a kelurahan of Tebet, Jakarta Selatan
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def desk(personas):
    return ServicePoint.objects.create(
        name="112 desk",
        kind=ServicePointKind.CALL_CENTRE_112,
        unit=personas.call_centre,
        region_id="31.74",
    )


@pytest.fixture
def officer(client, personas, desk):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    log_in(client, personas.intake_officer)
    return personas.intake_officer


def form_data(token=None, people=(), **fields):
    """A complete post of the staff form; ``fields`` override or add to it."""
    data = {
        "token": str(token or uuid.uuid4()),
        "version": "",
        "channel": "call_112",
        "reporter_type": "survivor",
        "what_happened": "Canary: hit by her husband",
        "occurred_estimate": "last night",
        "kelurahan": KELURAHAN,
        "in_danger_now": "no",
        "injuries": "yes",
        "safe_channels": ["sms"],
        "consent_contact": "on",
        "people-TOTAL_FORMS": str(len(people)),
        "people-INITIAL_FORMS": "0",
        "people-MIN_NUM_FORMS": "0",
        "people-MAX_NUM_FORMS": "20",
    }
    for index, person in enumerate(people):
        data.update({f"people-{index}-{key}": value for key, value in person.items()})
    data.update(fields)
    return data


def only_report():
    return Report.objects.get()


def test_the_form_is_prefilled_from_the_officers_unit_and_grouped_in_fieldsets(officer, client):
    page = client.get(NEW).content.decode()
    assert '<option value="call_112" selected>' in page
    assert "112 desk</option>" in page and "selected>112 desk" in page
    assert page.count("<fieldset") >= 8 and page.count("<legend>") >= 8
    assert 'name="in_danger_now" value="yes"' in page
    assert 'accesskey="t"' in page and 'accesskey="s"' in page
    assert "Tebet" in page  # the kelurahan list, grouped by kecamatan, works without JS
    assert "<script>" not in page and " onclick=" not in page


@pytest.mark.parametrize("channel", [value for value, _label in STAFF_CHANNELS])
def test_every_staff_channel_can_be_recorded(officer, client, channel):
    response = client.post(NEW, form_data(channel=channel, action="send"))
    report = only_report()
    assert response.status_code == 302
    assert response.url == f"/laporan/{report.pk}/terkirim/"
    assert report.channel == channel
    assert report.status == ReportStatus.RECEIVED
    assert report.unit == officer.memberships.get().unit


def test_the_staff_form_cannot_claim_the_online_or_api_channels(officer, client):
    response = client.post(NEW, form_data(channel="online", action="send"))
    assert "Select a valid choice" in response.content.decode()
    assert only_report().status == ReportStatus.DRAFT
    assert only_report().channel == "call_112"  # the unit's default, kept for the draft


def test_sending_shows_the_reference_and_the_risk_with_its_due_time(officer, client):
    response = client.post(NEW, form_data(action="send", weapon_or_threat="yes"), follow=True)
    page = response.content.decode()
    report = only_report()
    assert report.reference in page
    assert report.risk == "high" and "High" in page and "immediately" in page
    assert report.what_happened == "Canary: hit by her husband"
    assert report.kelurahan_id == KELURAHAN
    assert report.injuries is True and report.in_danger_now is False
    assert report.perpetrator_nearby is None  # not asked
    assert report.safe_channels == ["sms"] and report.consent_contact is True


def test_people_are_saved_with_their_washington_group_answers(officer, client):
    people = [
        {
            "name": "Siti Aminah",
            "age": "34",
            "sex": "female",
            "wg_seeing": "a_lot",
            "accommodations": ["companion"],
        },
        {"age": "7", "age_is_estimate": "on", "sex": "male"},
    ]
    client.post(NEW, form_data(people=people, action="send"))
    stored = list(only_report().people.order_by("age"))
    assert [(p.age, p.age_is_estimate, p.sex) for p in stored] == [
        (7, True, "male"),
        (34, False, "female"),
    ]
    assert stored[1].name == "Siti Aminah" and stored[1].wg_seeing == "a_lot"
    assert stored[1].accommodations == ["companion"]


def test_add_a_person_without_javascript_keeps_everything_typed(officer, client):
    typed = form_data(people=[{"name": "Siti Aminah", "age": "34"}], action="add_person")
    page = client.post(NEW, typed).content.decode()
    assert 'name="people-TOTAL_FORMS" value="2"' in page
    assert "Person 2" in page
    assert 'value="Siti Aminah"' in page
    assert "Canary: hit by her husband" in page
    assert only_report().people.get().name == "Siti Aminah"  # and nothing was lost meanwhile


def test_save_draft_keeps_the_valid_fields_and_names_the_invalid_ones(officer, client):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(NEW, form_data(occurred_on=tomorrow, action="save"))
    page = response.content.decode()
    report = only_report()
    assert response.status_code == 200
    assert report.status == ReportStatus.DRAFT
    assert report.what_happened == "Canary: hit by her husband"
    assert report.occurred_on is None
    assert "The date cannot be in the future." in page
    assert f'value="{tomorrow}"' in page  # what was typed stays in the form
    assert 'href="#id_occurred_on"' in page  # the error summary links to the field


def test_a_refused_send_keeps_everything_typed_and_the_draft(officer, client):
    data = form_data(what_happened="", reporter_type="other", action="send")
    data["reporter_name"] = "Budi"
    page = client.post(NEW, data).content.decode()
    report = only_report()
    assert report.status == ReportStatus.DRAFT
    assert report.reporter_name == "Budi"
    assert "Write down what happened, even briefly." in page
    assert "Say how the reporter knows the survivor." in page
    assert 'value="Budi"' in page


def test_autosave_keeps_partial_data_and_answers_the_new_version(officer, client):
    token = uuid.uuid4()
    partial = form_data(token, what_happened="Canary: partial", kelurahan="", in_danger_now="")
    response = client.post(NEW, partial, **HTMX)
    report = only_report()
    assert response.status_code == 200
    assert report.what_happened == "Canary: partial" and report.status == ReportStatus.DRAFT
    assert f'id="report-version" value="{report.version}" hx-swap-oob="true"' in (
        response.content.decode()
    )
    more = {**partial, "version": str(report.version), "what_happened": "Canary: more"}
    client.post(NEW, more, **HTMX)
    assert only_report().what_happened == "Canary: more"  # the same draft, found by token
    again = client.post(NEW, {**more, "version": str(report.version + 1)}, **HTMX)
    assert again.status_code == 204  # nothing new: no write, no version bump
    assert only_report().version == report.version + 1


def test_autosave_of_an_untouched_form_makes_no_draft(officer, client):
    page = client.get(NEW).content.decode()
    assert 'hx-trigger="change delay:2s, every 20s"' in page
    untouched = form_data(
        what_happened="",
        reporter_type="",
        occurred_estimate="",
        kelurahan="",
        in_danger_now="",
        injuries="",
        safe_channels=[],
        consent_contact="",
        service_point=str(ServicePoint.objects.get(name="112 desk").pk),
    )
    assert client.post(NEW, untouched, **HTMX).status_code == 204
    assert not Report.objects.exists()


def test_autosave_reports_invalid_fields_and_keeps_the_rest(officer, client):
    response = client.post(NEW, form_data(occurred_on="2026-02-30"), **HTMX)
    assert "Enter a valid date." in response.content.decode()
    assert only_report().what_happened == "Canary: hit by her husband"


def test_a_draft_is_resumed_from_my_drafts(officer, client, personas):
    client.post(NEW, form_data(action="save"))
    report = only_report()
    actions.save_draft(personas.supervisor_b, personas.unit_b, {"channel": "phone"})
    listing = client.get("/laporan/draf/").content.decode()
    assert report.reference in listing
    assert listing.count("/laporan/draf/") == 1 + 1  # the one draft, plus the page's own link
    page = client.get(f"/laporan/draf/{report.pk}/").content.decode()
    assert "Canary: hit by her husband" in page
    assert f'name="report" id="report-id" value="{report.pk}"' in page
    assert AuditEvent.objects.filter(action="report.read", object_id=str(report.pk)).exists()


def test_two_windows_on_one_draft_do_not_overwrite_each_other_silently(officer, client):
    client.post(NEW, form_data(action="save"))
    report = only_report()
    url = f"/laporan/draf/{report.pk}/"
    first = form_data(None, version=str(report.version), what_happened="first")
    second = {**first, "what_happened": "Canary: second"}
    client.post(url, {**first, "action": "save"})
    response = client.post(url, {**second, "action": "save"})
    assert response.status_code == 409
    assert "Canary: second" in response.content.decode()  # kept in the form
    assert only_report().what_happened == "first"


# --- The same form twice ----------------------------------------------------------------


def test_the_same_form_sent_twice_is_one_report_with_one_reference(officer, client):
    data = form_data(action="send")
    first = client.post(NEW, data)
    second = client.post(NEW, data)
    assert Report.objects.count() == 1
    assert first.url == second.url == f"/laporan/{only_report().pk}/terkirim/"


def test_a_second_send_of_a_sent_draft_answers_the_existing_reference(officer, client):
    client.post(NEW, form_data(action="save"))
    report = only_report()
    url = f"/laporan/draf/{report.pk}/"
    data = form_data(None, version=str(report.version), action="send")
    client.post(url, data)
    again = client.post(url, data)
    assert again.status_code == 302 and again.url == f"/laporan/{report.pk}/terkirim/"
    assert Report.objects.count() == 1
    assert AuditEvent.objects.filter(action="report.submit").count() == 1


def test_a_twin_send_that_lost_the_race_answers_the_winners_reference(officer, client, monkeypatch):
    """Two "Send" of one new form at once: the loser looked for a draft with the token
    before the winner committed it, then tries to create its own."""
    data = form_data(action="send")
    client.post(NEW, data)
    winner = only_report()
    monkeypatch.setattr(staff, "_existing", lambda *args: None)
    loser = client.post(NEW, data)
    assert loser.status_code == 302 and loser.url == f"/laporan/{winner.pk}/terkirim/"
    assert Report.objects.count() == 1


# --- Bad input --------------------------------------------------------------------------

MEGABYTE = "x" * (1024 * 1024)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("what_happened", MEGABYTE, "Ensure this value has at most 20000 characters"),
        ("code_word", "k" * 101, "Ensure this value has at most 100 characters"),
        ("occurred_on", "2026-02-30", "Enter a valid date."),
        ("occurred_on", "yesterday", "Enter a valid date."),
        ("kelurahan", "31.99.99.9999", "This kelurahan code is not known."),
        ("kelurahan", "31.74", "This kelurahan code is not known."),
        ("people_affected", "many", "Enter a whole number."),
        ("people_affected", "-1", "greater than or equal to 0"),
        ("in_danger_now", "maybe", "Select a valid choice."),
        ("reporter_type", "police", "Select a valid choice."),
        ("contact_phone", "12", "Enter a valid phone number."),
        ("contact_email", "not an address", "Enter a valid email address."),
        # A fixed id no service point has: the same test id in every collecting process.
        ("service_point", "00000000-0000-4000-8000-000000000000", "Select a valid choice."),
    ],
)
def test_bad_input_is_refused_clearly_and_the_rest_is_kept(officer, client, field, value, message):
    response = client.post(NEW, form_data(action="send", **{field: value}))
    page = response.content.decode()
    report = only_report()
    assert response.status_code == 200
    assert message in page
    assert report.status == ReportStatus.DRAFT  # not sent
    assert report.occurred_estimate == "last night"  # the valid fields were kept
    if field != "what_happened":
        assert report.what_happened == "Canary: hit by her husband"


def test_a_person_with_an_impossible_age_keeps_the_other_details(officer, client):
    people = [{"name": "Siti Aminah", "age": "200"}]
    page = client.post(NEW, form_data(people=people, action="send")).content.decode()
    assert "Person 1: Age" in page
    assert "less than or equal to 120" in page
    person = only_report().people.get()
    assert person.name == "Siti Aminah" and person.age is None


def test_a_forged_number_of_people_is_capped(officer, client):
    data = form_data(action="save", **{"people-TOTAL_FORMS": "100000"})
    response = client.post(NEW, data)
    assert response.status_code == 200
    assert only_report().people.count() == 0


def test_an_empty_post_saves_a_draft_and_refuses_to_send(officer, client):
    response = client.post(NEW, {"action": "send"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert only_report().status == ReportStatus.DRAFT
    assert only_report().channel == "call_112"


# --- Permissions ------------------------------------------------------------------------


@pytest.mark.parametrize("url", [NEW, "/laporan/draf/", "/laporan/wilayah/?q=tebet"])
def test_the_staff_pages_need_a_login(client, personas, url):
    response = client.get(url)
    assert response.status_code == 302 and "/akun/" in response.url


@pytest.mark.parametrize("persona", ["case_worker_a", "responder", "analyst", "administrator"])
def test_other_roles_may_not_take_reports(client, personas, persona):
    log_in(client, getattr(personas, persona))
    for address in [NEW, "/laporan/draf/", "/laporan/wilayah/?q=tebet"]:
        assert client.get(address).status_code == 403
    assert client.post(NEW, form_data(action="send")).status_code == 403
    assert not Report.objects.exists()


def test_a_supervisor_may_take_reports_for_their_unit(client, personas):
    log_in(client, personas.supervisor_a)
    client.post(NEW, form_data(channel="walk_in", action="send"))
    assert only_report().unit == personas.unit_a


def test_another_units_draft_is_not_found(officer, client, personas):
    theirs = actions.save_draft(
        personas.supervisor_b,
        personas.unit_b,
        {"channel": "phone", "what_happened": "Canary"},
        once=staff.draft_once(personas.supervisor_b, token := uuid.uuid4()),
    )
    assert client.get(f"/laporan/draf/{theirs.pk}/").status_code == 404
    posted = client.post(f"/laporan/draf/{theirs.pk}/", form_data(action="save"))
    assert posted.status_code == 404
    by_id = client.post(NEW, {**form_data(action="save"), "report": str(theirs.pk)})
    assert by_id.status_code == 404
    # Their form's token names their draft only: with it, this officer starts one of their own.
    assert client.post(NEW, form_data(token, action="save")).status_code == 302
    assert Report.objects.count() == 2
    assert client.get(f"/laporan/{theirs.pk}/terkirim/").status_code == 404
    assert Report.objects.get(pk=theirs.pk).what_happened == "Canary"


def test_a_colleague_of_the_same_unit_may_resume_a_draft(officer, client, personas):
    colleague = User.objects.create_user("colleague@test.lindungi.id", "a long passphrase 2026")
    Membership.objects.create(user=colleague, unit=personas.call_centre, role=Role.INTAKE_OFFICER)
    client.post(NEW, form_data(action="save"))
    log_in(client, colleague)
    assert client.get(f"/laporan/draf/{only_report().pk}/").status_code == 200


# --- Regions and addresses --------------------------------------------------------------


def test_kelurahan_can_be_found_by_their_own_or_their_kecamatans_name(officer, client):
    by_kecamatan = client.get("/laporan/wilayah/", {"q": "tebet"}).content.decode()
    assert 'label="Tebet' in by_kecamatan
    assert "Manggarai" in by_kecamatan  # a kelurahan of Kecamatan Tebet
    by_name = client.get("/laporan/wilayah/", {"q": "manggarai"}).content.decode()
    assert "Manggarai" in by_name and "Kebon Baru" not in by_name
    nothing = client.get("/laporan/wilayah/", {"q": "atlantis"}).content.decode()
    assert "No kelurahan matches" in nothing


def test_no_personal_data_in_any_address(officer, client):
    typed = form_data(people=[{"name": "Siti Aminah"}], contact_phone="0812-3456-7890")
    responses = [
        client.post(NEW, {**typed, "action": "save"}),
        client.post(NEW, {**typed, "action": "send"}),
    ]
    for response in responses:
        location = response.headers.get("Location", "")
        assert "Siti" not in location and "3456" not in location and "Canary" not in location
    events = AuditEvent.objects.filter(object_id=str(only_report().pk))
    for event in events:
        assert "Siti" not in str(event.fields) and "3456" not in str(event.fields)


def test_the_form_has_no_duplicate_element_ids_even_with_people(officer, client):
    people = [{"name": "A"}, {"name": "B"}]
    page = client.post(NEW, form_data(people=people, action="add_person")).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert ids and len(ids) == len(set(ids))


def test_the_form_asks_every_question_of_the_risk_rule_table():
    assert set(SCREENING_QUESTIONS) == set(SCREENING)


def test_the_blank_person_row_is_not_saved_when_left_blank(officer, client):
    assert 'name="people-TOTAL_FORMS" value="1"' in client.get(NEW).content.decode()
    blank = {"name": "", "age": "", "sex": "unknown", "wg_seeing": ""}
    client.post(NEW, form_data(people=[blank], action="send"))
    assert only_report().status == ReportStatus.RECEIVED
    assert not only_report().people.exists()


def test_an_autosave_after_the_report_was_sent_takes_the_browser_to_its_reference(officer, client):
    data = form_data(action="send")
    client.post(NEW, data)
    response = client.post(NEW, {**data, "action": ""}, **HTMX)
    assert response.headers["HX-Redirect"] == f"/laporan/{only_report().pk}/terkirim/"
    assert Report.objects.count() == 1


# --- Safe contact as data ----------------------------------------------------------------


def test_safe_times_are_recorded_channel_by_channel_with_a_safe_person(officer, client):
    data = form_data(
        action="send",
        safe_channels=["call", "sms"],
        window_call_days=["1", "2", "3", "4", "5"],
        window_call_start="08:00",
        window_call_end="17:00",
        window_sms_start="20:00",
        window_sms_end="02:00",
        voicemail_safe="no",
        safe_person_name="Canary-sister",
        safe_person_phone="0813 1111 2222",
        safe_person_relation="sister",
    )
    client.post(NEW, data)
    report = only_report()
    assert report.contact_windows == {
        "call": [{"days": [1, 2, 3, 4, 5], "start": "08:00", "end": "17:00"}],
        "sms": [{"days": [1, 2, 3, 4, 5, 6, 7], "start": "20:00", "end": "02:00"}],
    }
    assert report.voicemail_safe is False and report.safe_person_name == "Canary-sister"


def test_a_draft_shows_its_safe_times_again_and_saving_it_unchanged_keeps_them(officer, client):
    client.post(
        NEW,
        form_data(
            action="save",
            safe_channels=["call"],
            window_call_days=["6"],
            window_call_start="09:30",
            window_call_end="12:00",
        ),
    )
    report = only_report()
    # A second window, as an integration may send: the form shows one and keeps the other.
    extra = {"days": [7], "start": "18:00", "end": "19:00"}
    windows = {"call": [*report.contact_windows["call"], extra]}
    Report.objects.filter(pk=report.pk).update(contact_windows=windows)
    page = client.get(f"/laporan/draf/{report.pk}/").content.decode()
    assert 'name="window_call_start" value="09:30"' in page
    assert re.search(r'value="6"[^>]*checked|checked[^>]*value="6"', page)
    resent = form_data(
        None,
        version=str(report.version),
        action="save",
        safe_channels=["call"],
        window_call_days=["6"],
        window_call_start="09:30",
        window_call_end="12:00",
    )
    client.post(f"/laporan/draf/{report.pk}/", resent)
    assert only_report().contact_windows == windows


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"window_call_start": "08:00"}, "Give both the start and the end time."),
        (
            {"window_call_start": "08:00", "window_call_end": "08:00"},
            "The end time must differ from the start time.",
        ),
        (
            {"window_email_start": "08:00", "window_email_end": "09:00"},
            "Mark this way of contact as safe, or clear its times.",
        ),
        ({"window_call_start": "25:00", "window_call_end": "09:00"}, "Enter a valid time."),
    ],
)
def test_unclear_safe_times_are_refused_and_the_stored_ones_kept(officer, client, fields, message):
    response = client.post(NEW, form_data(action="send", safe_channels=["call"], **fields))
    assert message in response.content.decode()
    assert only_report().status == ReportStatus.DRAFT
    assert only_report().contact_windows == {}
