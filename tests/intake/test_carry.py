"""Opening a case from a report carries everything the report holds: the survivor tells
her story once. The comparison is generated from the models' fields, so a report field
added later fails here until it is carried or listed as not carried, with the reason."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings

from lindungi.audit.models import AuditEvent
from lindungi.cases.models import Consent, ConsentMethod, ConsentPurpose, GivenBy
from lindungi.casework.deadlines import police_report_due
from lindungi.casework.models import PoliceReport
from lindungi.intake import actions, carry
from lindungi.intake.models import Report, ReportPerson
from lindungi.notifications.models import Kind, Notification
from lindungi.places.models import Region
from tests.login import log_in

RECEIVED = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # 08:00 WIB
HANDED = RECEIVED + timedelta(minutes=20)
OPENED = RECEIVED + timedelta(hours=1)
WINDOWS = {"call": [{"days": [1, 2, 3, 4, 5], "start": "08:00", "end": "17:00"}]}


def full_report(personas):
    """A 112 report with every field a staff officer can fill, sent and handed over."""
    officer = personas.intake_officer
    data = {
        "channel": "call_112",
        "reporter_type": "survivor",
        "reporter_relation": "self",
        "reporter_name": "Canary-reporter",
        "contact_phone": "0812 3456 7890",
        "contact_email": "canary@example.test",
        "what_happened": "Canary-story: he hit me and took my phone.",
        "occurred_on": RECEIVED.date() - timedelta(days=2),
        "occurred_estimate": "two nights ago",
        "kelurahan": Region.objects.get(code="31.74.01.1001"),
        "street_detail": "Canary-street 9",
        "people_affected": 2,
        "in_danger_now": False,
        "perpetrator_nearby": True,
        "weapon_or_threat": False,
        "injuries": True,
        "child_alone": False,
        "self_harm": None,
        "sexual_violence_72h": True,
        "safe_channels": ["call", "whatsapp"],
        "contact_windows": WINDOWS,
        "safe_times": "Canary-note: when he is at the mosque",
        "code_word": "Canary-word",
        "voicemail_safe": False,
        "safe_person_name": "Canary-sister",
        "safe_person_phone": "0813 1111 2222",
        "safe_person_relation": "sister",
        "consent_contact": True,
        "consent_services": True,
    }
    people = [
        {
            "name": "Canary-person",
            "age": 34,
            "age_is_estimate": True,
            "sex": "female",
            "wg_seeing": "some",
            "accommodations": ["sign_language"],
        },
    ]
    with time_machine.travel(RECEIVED, tick=False):
        draft = actions.save_draft(officer, personas.call_centre, data, people)
        report = actions.submit_report(officer, draft, draft.version)
        report = actions.override_risk(officer, report, report.version, "high", "Canary-reason")
    with time_machine.travel(HANDED, tick=False):
        report = actions.hand_over(officer, report, report.version, personas.unit_a)
    return report


@pytest.fixture
def opened(personas):
    report = full_report(personas)
    with time_machine.travel(OPENED, tick=False):
        report = actions.open_case_from_report(
            personas.supervisor_a, report, report.version, personas.unit_a
        )
    return Report.objects.get(pk=report.pk)


def concrete_fields(model):
    return [f.name for f in model._meta.concrete_fields]


def test_every_report_field_is_carried_or_said_why_not():
    placed = [
        *carry.ACCOUNT_FIELDS,
        *carry.CONTACT_FIELDS,
        *carry.CONSENT_FIELDS,
        *carry.NOT_CARRIED,
    ]
    assert sorted(placed) == sorted(concrete_fields(Report))
    person_placed = [*carry.PERSON_TO_CLIENT, *carry.PERSON_NOT_CARRIED]
    assert sorted(person_placed) == sorted(concrete_fields(ReportPerson))
    assert all(carry.NOT_CARRIED.values()) and all(carry.PERSON_NOT_CARRIED.values())


def test_the_case_holds_every_fact_of_the_report_field_by_field(opened):
    case = opened.case
    account = case.accounts.get()
    contact = case.contact
    for name in carry.ACCOUNT_FIELDS:
        assert getattr(account, name) == getattr(opened, name), name
    for name in carry.CONTACT_FIELDS:
        assert getattr(contact, name) == getattr(opened, name), name
    for name, (purpose, _categories) in carry.CONSENT_FIELDS.items():
        assert case.consent_records.filter(purpose=purpose).exists() == getattr(opened, name)
    survivors = list(case.clients.order_by("created_at"))
    for person, client in zip(opened.people.all(), survivors, strict=True):
        for name, to in carry.PERSON_TO_CLIENT.items():
            assert getattr(client, to) == getattr(person, name), name
    # Spot checks that the report was full, so the comparison above compares something.
    assert account.what_happened.startswith("Canary-story") and contact.code_word
    assert account.risk == "high" and account.risk_computed == "medium"
    assert account.due_at == opened.due_at and account.handed_to_id == opened.handed_to_id
    assert contact.contact_windows == WINDOWS


def test_consents_given_at_intake_are_consent_records_on_the_case(opened, personas):
    case = opened.case
    records = {c.purpose: c for c in case.consent_records.all()}
    assert set(records) == {ConsentPurpose.CONTACT, ConsentPurpose.SERVICES}
    for record in records.values():
        assert record.how == ConsentMethod.INTAKE_FORM and record.given_at == RECEIVED
        assert record.given_by == GivenBy.SURVIVOR and record.given_by_name == ""
        assert record.recorded_by == personas.intake_officer
        assert record.report_id == opened.pk and record.client.role == "survivor"
    assert records[ConsentPurpose.CONTACT].categories == ["contact"]
    assert case.events.filter(kind="consent_recorded").count() == 2
    assert not Consent.objects.in_force().filter(case=case, purpose="statistics").exists()


def test_a_yes_to_the_statistics_on_the_public_form_is_a_statistics_consent(personas):
    with time_machine.travel(RECEIVED, tick=False):
        report, _pin = actions.receive_public_report(
            {"what_happened": "Canary", "reporter_type": "other", "consent_statistics": True},
            [{"name": "Canary-person", "age": 15, "sex": "female"}],
        )
        report = actions.open_case_from_report(
            personas.supervisor_a, report, report.version, personas.unit_a
        )
    record = report.case.consent_records.get()
    assert record.purpose == ConsentPurpose.STATISTICS and record.given_by == GivenBy.OTHER
    assert Consent.objects.in_force().filter(pk=record.pk).exists()


def test_a_consent_from_a_report_without_people_is_about_the_case(personas):
    with time_machine.travel(RECEIVED, tick=False):
        report, _pin = actions.receive_public_report(
            {"what_happened": "Canary", "consent_services": True}
        )
        report = actions.open_case_from_report(
            personas.supervisor_a, report, report.version, personas.unit_a
        )
    record = report.case.consent_records.get()
    assert record.purpose == ConsentPurpose.SERVICES and record.client is None
    assert record.given_by == GivenBy.OTHER and record.recorded_by is None


def test_the_police_report_deadline_starts_from_the_screening_answer_at_receipt(opened):
    police = PoliceReport.objects.get(case=opened.case)
    assert police.due_at == police_report_due(RECEIVED)
    assert not opened.case.incidents.exists()  # nothing coded yet: the answer is enough


def test_no_police_report_deadline_without_sexual_violence_at_screening(personas):
    report, _pin = actions.receive_public_report({"what_happened": "Canary"})
    report = actions.open_case_from_report(
        personas.supervisor_a, report, report.version, personas.unit_a
    )
    assert not PoliceReport.objects.filter(case=report.case).exists()


def test_the_timeline_starts_with_the_reports_receipt_hand_over_and_the_opening(opened, personas):
    events = list(opened.case.events.order_by("at", "id"))
    kinds = [e.kind for e in events]
    assert kinds[:3] == ["report_received", "report_handed_over", "opened"]
    assert "client_added" in kinds[3:]
    received, handed, case_opened = events[:3]
    assert (received.at, received.actor) == (RECEIVED, personas.intake_officer)
    assert received.detail["channel"] == "call_112"
    assert (handed.at, handed.actor) == (HANDED, personas.intake_officer)
    assert handed.detail["unit"] == str(personas.unit_a.pk)
    assert (case_opened.at, case_opened.actor) == (OPENED, personas.supervisor_a)
    for event in events:
        assert "Canary" not in repr(event.detail)


def test_the_steps_read_in_order_even_when_they_share_an_instant(personas):
    with time_machine.travel(RECEIVED, tick=False):
        report, _pin = actions.receive_public_report({"what_happened": "Canary"})
        report = actions.hand_over(personas.supervisor_b, report, report.version, personas.unit_a)
        report = actions.open_case_from_report(
            personas.supervisor_a, report, report.version, personas.unit_a
        )
    kinds = list(report.case.events.order_by("at", "id").values_list("kind", flat=True))
    assert kinds[:3] == ["report_received", "report_handed_over", "opened"]


def test_a_hand_over_alerts_the_receiving_units_intake_officers_and_supervisors_at_once(
    personas,
):
    from lindungi.accounts.models import Membership
    from lindungi.accounts.roles import Role

    officer_b = type(personas.supervisor_b).objects.create_user(
        "intake.b@test.lindungi.id", "a long test passphrase 2026", display_name="Intake B"
    )
    Membership.objects.create(user=officer_b, unit=personas.unit_b, role=Role.INTAKE_OFFICER)
    report, _pin = actions.receive_public_report({"what_happened": "Canary"})
    actions.hand_over(personas.intake_officer, report, report.version, personas.unit_b)
    alerted = set(
        Notification.objects.filter(kind=Kind.REPORT_HANDED_OVER, report=report).values_list(
            "user", flat=True
        )
    )
    assert alerted == {personas.supervisor_b.pk, officer_b.pk}  # not unit B's case worker
    audit = AuditEvent.objects.get(action="report.hand_over")
    assert audit.object_id == str(report.pk) and "handed_to" in audit.fields


# --- Pages -------------------------------------------------------------------------------


def test_the_case_worker_reads_the_report_of_their_case(client, opened, personas):
    from lindungi.cases import actions as case_actions

    case_actions.assign_worker(personas.supervisor_a, opened.case, personas.case_worker_a)
    log_in(client, personas.case_worker_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/laporan/triase/{opened.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Canary-story" in text and "Canary-sister" in text
    assert f'href="/kasus/{opened.case_id}/"' in text
    assert "Triage" not in text  # read, not triaged


def test_a_report_of_a_case_out_of_scope_answers_404_and_is_audited(client, opened, personas):
    log_in(client, personas.case_worker_b)
    before = AuditEvent.objects.filter(action="case.denied").count()
    assert client.get(f"/laporan/triase/{opened.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action="case.denied").count() == before + 1


def test_the_case_page_shows_the_safe_contact_rules_at_the_top_and_links_the_report(
    client, opened, personas
):
    log_in(client, personas.supervisor_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = client.get(f"/kasus/{opened.case_id}/").content.decode()
    summary = text.index('id="case-summary-heading"')
    rules = text.index('id="safe-contact-heading"')
    assert summary < rules < text.index('id="case-timeline-heading"')
    assert "Phone call: Monday, Tuesday, Wednesday, Thursday, Friday: 08:00–17:00" in text
    assert "WhatsApp: at any time" in text and "Leave no voicemail" in text
    assert "Canary-word" in text and "Canary-sister (sister)" in text
    assert f'href="/laporan/triase/{opened.pk}/"' in text
    assert "Canary-story" in text
    assert f"Report received: {opened.reference}, 112 call" in text
    assert f"Report handed over: {opened.reference} to Unit A (UPTD PPA)" in text
    assert f"Case opened: from report {opened.reference}" in text


def test_the_unit_select_defaults_to_the_only_eligible_unit(client, personas):
    report, _pin = actions.receive_public_report({"what_happened": "Canary"})
    log_in(client, personas.supervisor_a)
    text = client.get(f"/laporan/triase/{report.pk}/").content.decode()
    option = f'<option value="{personas.unit_a.pk}" selected>'
    assert option in text
    assert '<option value="" selected>' not in text.split('id="case-unit"')[1].split("</select>")[0]


def test_a_break_glass_reader_reads_the_report_without_names_story_or_contact(
    client, opened, personas
):
    from lindungi.cases import actions as case_actions

    case_actions.break_glass(
        personas.supervisor_b, opened.case, "A sentence on why this case is needed now."
    )
    log_in(client, personas.supervisor_b)
    page = client.get(f"/laporan/triase/{opened.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Canary" not in text
    case_page = client.get(f"/kasus/{opened.case_id}/").content.decode()
    assert "Canary" not in case_page
