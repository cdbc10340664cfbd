"""A case that has been through everything a case can go through, made by the real actions:
its timeline holds an entry of every kind (``EventKind``), in a known order."""

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lindungi.accounts.models import Membership, User
from lindungi.accounts.roles import Role
from lindungi.cases import actions
from lindungi.cases.attachments import remove_attachment, upload_attachment
from lindungi.cases.contact_actions import save_contact
from lindungi.cases.models import NamedAccess
from lindungi.cases.survivor_messages import send_to_survivor
from lindungi.cases.timeline import EventKind
from lindungi.cases.vocabulary import GbvType, Sex
from lindungi.casework import actions as work
from lindungi.intake import actions as intake
from lindungi.places.models import Region
from lindungi.referrals import actions as referrals
from lindungi.response import actions as response
from lindungi.shelter import actions as shelter
from tests.shelter.factories import make_house

BREAK_GLASS_REASON = "Polisi Sektor Tebet menelepon: dia di kantor kami dan butuh rencana aman."


def colleague(unit, role, key):
    user = User.objects.create_user(
        f"{key}@test.lindungi.id", "a long passphrase 2026", display_name=key.title()
    )
    Membership.objects.create(user=user, unit=unit, role=role)
    return user


def messages_to_her(worker, case):
    """A message queued (SMS, safe at any time), held (WhatsApp, safe two hours from now)
    and refused (email, not marked safe)."""
    later = timezone.localtime() + timedelta(hours=2)
    window = {"days": list(range(1, 8)), "start": f"{later:%H}:00", "end": f"{later:%H}:59"}
    contact = case.contact
    contact.refresh_from_db()
    changes = {
        "contact_phone": "0812-3456-7890",
        "safe_channels": ["sms", "whatsapp"],
        "contact_windows": {"whatsapp": [window]},
    }
    save_contact(worker, case, contact.version, changes)
    for channel in ("sms", "whatsapp", "email"):
        send_to_survivor(worker, case, channel, "Halo, mohon telepon kami kembali.")


def placed_in_a_safe_house(personas, case, dispatch):
    """Asked of a house that declines (the request, back in the queue, is cancelled), asked
    again, given a bed, stayed and left home."""
    worker, officer = personas.case_worker_a, personas.shelter_officer
    house = make_house()
    survivor = case.clients.get(role="survivor")
    asked = {
        "people": [survivor],
        "house": house,
        "urgency": "tonight",
        "needs": "Asthma inhaler",
        "dispatch": dispatch,
    }
    placement = shelter.request_placement(worker, case, asked)
    placement = shelter.decline(officer, placement, placement.version, "Full tonight")
    shelter.cancel_request(worker, placement, placement.version, "Asked of another house")
    placement = shelter.request_placement(worker, case, asked)
    placement = shelter.accept(officer, placement, placement.version, house.rooms.first())
    placement = shelter.check_in(officer, placement, placement.version)
    sister = shelter.add_visitor(officer, placement, "Sri", "Sister")
    shelter.add_record(officer, placement, "visit", "Her sister came", visitor=sister)
    shelter.check_out(officer, placement, placement.version, "home", "Safe at home")


def case_with_every_event(personas):
    """Received at 112, opened from the report by supervisor A at unit A, worked, closed,
    reopened, then opened by break-glass by supervisor B and reviewed by a second supervisor
    of unit B. Returns the case."""
    worker, supervisor = personas.case_worker_a, personas.supervisor_a
    today = timezone.localdate()
    # Received at 112, handed over to unit A, opened there from the report.
    officer = personas.intake_officer
    report = intake.save_draft(officer, personas.call_centre, {"channel": "call_112"})
    report = intake.submit_report(officer, report, report.version)
    report = intake.hand_over(officer, report, report.version, personas.unit_a)
    report = intake.open_case_from_report(supervisor, report, report.version, personas.unit_a)
    case = report.case
    actions.assign_worker(supervisor, case, worker)
    contact = case.contact
    save_contact(worker, case, contact.version, {"safe_channels": ["sms"]})
    messages_to_her(worker, case)
    survivor = actions.add_client(
        worker,
        case,
        {
            "role": "survivor",
            "name": "Siti Aminah",
            "phone": "+6281234567890",
            "birth_date": date(1990, 5, 17),
            "sex": Sex.FEMALE,
            "kelurahan": Region.objects.get(code="31.74.01.1001"),
        },
    )
    actions.update_client(worker, survivor, survivor.version, {"occupation": "pedagang"})
    incident = actions.add_incident(
        worker,
        case,
        {
            "survivor": survivor,
            "occurred_on": today - timedelta(days=3),
            "reported_on": today,
            "place_type": "rumah_tangga",
            "description": "Canary narrative text",
            "gbv_answers": {GbvType.RAPE: True},
            "violence_types": ["seksual"],
        },
    )
    actions.update_incident(worker, incident, incident.version, {"abducted": True})
    perpetrator = actions.add_perpetrator(worker, incident, {"relationship": "tetangga"})
    actions.update_perpetrator(
        worker,
        perpetrator,
        perpetrator.version,
        {"public_employment": "ppsu", "employing_agency": "Kelurahan Tebet Timur"},
    )
    track = case.sanctions.get()
    work.update_sanction(worker, track, track.version, {"notified_on": today})
    case.refresh_from_db()
    actions.update_case(worker, case, case.version, {"status": "assessment"})
    actions.assign_worker(
        supervisor, case, colleague(personas.unit_a, Role.CASE_WORKER, "second worker")
    )
    work.record_assessment(worker, case, "risk", {"escalating": True})
    plan = work.save_plan(worker, case, 1, "Aman di rumah keluarga")
    service = work.add_service(
        worker,
        case,
        {"type": "health", "provider_name": "RSUD Tebet", "due_on": today},
    )
    service = work.update_service(
        worker, service, service.version, {"provider_name": "RSUD Pasar Minggu"}
    )
    work.save_plan(worker, case, plan.version, "Aman di rumah keluarga, bekerja lagi")
    asked = work.request_approval(worker, case, "plan")
    work.decide_approval(supervisor, asked, "rejected", "Add a shelter option")
    asked = work.request_approval(worker, case, "plan")
    work.decide_approval(supervisor, asked, "approved")
    work.update_service(worker, service, service.version, {"status": "done", "done_on": today})
    work.add_note(worker, case, "Called her back at the agreed time.")
    task = work.add_task(worker, case, worker, "Ring the shelter", timezone.now())
    work.complete_task(worker, task, task.version)
    # Reported to the police since the case opened: never before the survivor's report.
    work.record_police_report(worker, case, reported_at=timezone.now())
    upload_attachment(worker, case, SimpleUploadedFile("a.txt", b"Statement\n", "text/plain"))
    wrong = upload_attachment(
        worker, case, SimpleUploadedFile("b.txt", b"Another case's letter\n", "text/plain")
    )
    remove_attachment(supervisor, wrong, "Uploaded to the wrong case")
    closure = work.request_closure(worker, case, "needs_met", "Safe, working again")
    work.decide_approval(supervisor, closure.approval, "rejected", "Wait for the court date")
    closure = work.request_closure(worker, case, "needs_met", "Safe, working again")
    work.decide_approval(supervisor, closure.approval, "approved")
    case.refresh_from_db()
    work.reopen_case(worker, case, "She called: he is back")
    # The rapid response team goes out, and once more, called off.
    asked = {"location": "Jl. Melati 4", "danger": "He is back with a knife"}
    sent = response.request_dispatch(worker, personas.rapid_response, asked, case=case)
    for step in response.STEPS[1:]:
        where = "safe_house" if step == "safe" else ""
        sent = response.record_step(worker, sent, sent.version, step, taken_to=where)
    visit = {"found": "Safe", "taken_to": "safe_house", "risk_now": "medium"}
    response.report_visit(worker, sent, sent.version, visit)
    again = response.request_dispatch(worker, personas.rapid_response, asked, case=case)
    response.cancel(worker, again, again.version, "She is safe at her sister's")
    placed_in_a_safe_house(personas, case, sent)
    # Her guardian consents to a referral to the hospital, then withdraws it.
    consent = referrals.record_consent(
        worker,
        case,
        {
            "client": case.clients.get(role="survivor"),
            "purpose": "referral",
            "recipient": personas.partner,
            "categories": ["demographics"],
            "how": "signed",
            "given_by": "guardian",
            "given_by_name": "Ibu Ratna",
            "child_view": "Dia mau diperiksa dokter perempuan",
        },
    )
    # A visum referral under a new consent: accepted, in progress, done; one revoked, one
    # declined, one expired; one sent by a supervisor's emergency override, reviewed.
    consent = referrals.record_consent(
        worker,
        case,
        {
            "client": case.clients.get(role="survivor"),
            "purpose": "referral",
            "recipient": personas.partner,
            "categories": ["identity", "demographics", "incident", "accommodations"],
            "how": "spoken",
        },
    )
    visum = {
        "client": case.clients.get(role="survivor"),
        "provider": personas.partner,
        "service": "health",
        "purpose": "Visum et repertum",
    }
    partner = personas.partner_officer
    sent = referrals.send_referral(worker, case, visum)
    sent = referrals.accept(partner, sent, sent.version)
    sent = referrals.record_progress(partner, sent, sent.version, "Dijadwalkan besok")
    done = {"outcome": "Visum selesai", "outcome_on": today}
    referrals.record_outcome(partner, sent, sent.version, done)
    sent = referrals.send_referral(worker, case, visum)
    referrals.revoke(worker, sent, sent.version)
    sent = referrals.send_referral(worker, case, visum)
    referrals.decline(partner, sent, sent.version, "Tidak ada dokter forensik")
    referrals.send_referral(worker, case, visum)
    referrals.expire_overdue(timezone.now() + timedelta(days=365))
    referrals.withdraw_consent(worker, consent, consent.version)
    sent = referrals.send_referral(supervisor, case, visum, override_reason="Pendarahan")
    # The case is restricted (a public-employee perpetrator): its reviewer is named on it.
    reviewer = colleague(personas.unit_a, Role.SUPERVISOR, "override reviewer")
    NamedAccess.objects.create(
        case=case, user=reviewer, granted_by=supervisor, granted_at=timezone.now()
    )
    referrals.review_override(reviewer, sent, sent.version, "Ok")
    reviewer = colleague(personas.unit_b, Role.SUPERVISOR, "reviewer")
    grant = actions.break_glass(personas.supervisor_b, case, BREAK_GLASS_REASON)
    actions.review_break_glass(reviewer, grant, "Justified")
    case.refresh_from_db()
    written = set(case.events.values_list("kind", flat=True))
    missing = set(EventKind.values) - written
    assert not missing, f"add a step that writes {sorted(missing)} to case_with_every_event"
    return case
