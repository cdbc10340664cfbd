"""Every edit form, opened on a fully filled record and saved unchanged, changes nothing.

In Bahasa Indonesia the date inputs once showed ``01-12-2026``, which an
``<input type="date">`` cannot show: saving such a form unchanged wrote NULL over the
stored date. Here each form is read as a browser reads it (only what the page shows is
sent back) and posted as it is, in both languages; then every stored row of the cases and
intake apps must be as it was, versions included.

The edit forms are found by walking Django's URL resolver, like the permission matrix: a
page whose address names a record (an ``_id`` parameter) and which, opened by someone who
may edit, shows a form that posts back to the page and edits what is stored (a version
field, or values filled in from the record, and no new-record token). Such a page must be
listed in ``EDIT_FORMS``, so a new edit form is covered as soon as it exists, and the world
below must hold a fully filled record for it.
"""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from lindungi.cases import actions
from lindungi.cases.attachments import upload_attachment
from lindungi.cases.contact_actions import save_contact
from lindungi.cases.first_account import CaseContact
from lindungi.cases.models import Attachment, Case, Consent, Incident, Perpetrator
from lindungi.cases.models import Client as CaseClient
from lindungi.casework import actions as work
from lindungi.casework.models import (
    Approval,
    Assessment,
    PlannedService,
    PoliceReport,
    SanctionTrack,
    ServicePlan,
    Task,
)
from lindungi.intake import actions as intake
from lindungi.intake.models import Report
from lindungi.notifications.models import Notification
from lindungi.places.models import Region, ServicePoint, ServicePointKind
from lindungi.prevention import actions as prevention
from lindungi.prevention.models import COUNTS, Outreach, OutreachPhoto
from lindungi.referrals import actions as referrals
from lindungi.referrals.models import Provider, Referral
from lindungi.response import actions as dispatches
from lindungi.response.models import Dispatch
from lindungi.shelter import actions as shelter
from lindungi.shelter.models import Bed, House, Placement
from lindungi.stats.actions import request_row_export
from lindungi.stats.models import RowExport
from tests.html_forms import read_forms
from tests.login import log_in
from tests.shelter.factories import make_house
from tests.test_permission_matrix import walk

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
# The records are made on the day the case opened and edited the day after; the dates of
# past facts lie before both, whatever the real date is.
OPENED = datetime(2026, 11, 30, 9, 0, tzinfo=JAKARTA)
REPORTED_TO_POLICE = datetime(2026, 11, 30, 14, 45, tzinfo=JAKARTA)
EDITED = datetime(2026, 12, 1, 23, 30, tzinfo=JAKARTA)

# Edit pages and the record each one edits.
EDIT_FORMS = {
    "cases:edit_case": Case,
    "cases:edit_client": CaseClient,
    "cases:edit_incident": Incident,
    "cases:edit_perpetrator": Perpetrator,
    "cases:plan": ServicePlan,
    "cases:edit_service": PlannedService,
    "cases:edit_sanction": SanctionTrack,
    "cases:police_report": PoliceReport,
    "cases:edit_contact": CaseContact,
    "intake:draft": Report,
    "response:visit": Dispatch,
    "prevention:edit": Outreach,
}
# Fields a fully filled record may leave empty, and why.
MAY_BE_EMPTY = {
    # A client has a date of birth or an age estimate, never both; a survivor is nobody's
    # guardian.
    CaseClient: {"age_estimate", "guardian_of"},
    # Only one of the two providers is named.
    PlannedService: {"provider_unit"},
    # Reported to the police, so there is no reason for not reporting.
    PoliceReport: {"not_reported_reason"},
    # A draft is not received, triaged or opened as a case yet.
    Report: {
        "reference",
        "received_at",
        "risk",
        "risk_computed",
        "risk_override_reason",
        "due_at",
        "triaged_at",
        "triaged_by",
        "pin_hash",
        "case",
        "referred_to",
        "urgent",
        "handed_to",
        "handed_at",
        "handed_by",
        "closed_reason",
    },
    # Still open: closed_at is set by the closure.
    Case: {"closed_at"},
    # Asked from the case (no report), with no roster in this world (no shift), on scene:
    # not ended, so not cancelled either; its times came in order.
    Dispatch: {"report", "shift", "ended_at", "cancel_reason", "out_of_order"},
}
# Every stored row is compared before and after, the timeline's included: a form saved
# unchanged did nothing, so nothing may say it did.
NOT_COMPARED_MODELS = set()
BOOKKEEPING_FIELDS = {"updated_at"}
WG = ["wg_seeing", "wg_hearing", "wg_walking", "wg_remembering", "wg_self_care"]


def _kelurahan():
    return Region.objects.get(code="31.74.01.1001")


def _clients(worker, case):
    survivor = actions.add_client(
        worker,
        case,
        {
            "role": "survivor",
            "name": "Siti Aminah",
            "nik": "3174012345678901",
            "phone": "+6281234567890",  # stored as the form stores it: E.164
            "address_detail": "Jl. Kenari 9, RT 3 RW 4",
            "birth_date": date(1990, 5, 17),
            "sex": "female",
            "kelurahan": _kelurahan(),
            "occupation": "Pedagang",
            "education": "sma",
            "marital_status": "married",
            **{name: "some" for name in WG},
            "wg_communicating": "a_lot",
            "accommodations": ["companion", "easy_read"],
        },
    )
    actions.add_client(
        worker,
        case,
        {
            "role": "guardian",
            "guardian_of": survivor,
            "name": "Rina Wati",
            "nik": "3174012345678902",
            "phone": "+6281311112222",
            "address_detail": "Jl. Melati 2",
            "age_estimate": 60,
            "sex": "female",
            "kelurahan": _kelurahan(),
            "occupation": "Guru",
            "education": "higher",
            "marital_status": "widowed",
            **{name: "none" for name in WG},
            "wg_communicating": "none",
            "accommodations": ["wheelchair"],
        },
    )
    return survivor


def _incident(worker, case, survivor):
    incident = actions.add_incident(
        worker,
        case,
        {
            "survivor": survivor,
            "occurred_on": date(2026, 11, 20),
            "date_is_estimate": True,
            "time_of_day": "night",
            "reported_on": date(2026, 11, 22),
            "place_type": "rumah_tangga",
            "kelurahan": _kelurahan(),
            "description": "Canary narrative text",
            "gbv_answers": {"rape": True},
            "violence_types": ["fisik", "seksual"],
            "tpks_forms": ["household", "rape"],
            "goods_exchanged": True,
            "abducted": True,
            "harmful_practice": True,
            "reported_elsewhere": True,
        },
    )
    actions.add_perpetrator(
        worker,
        incident,
        {
            "count": 2,
            "sex": "male",
            "age_group": "26-40",
            "relationship": "suami_istri",
            "occupation": "Petugas PPSU",
            "name": "Budi Santoso",
            "public_employment": "ppsu",
            "employing_agency": "Kelurahan Tebet Timur",
        },
    )
    return incident


def _dispatch(worker, case, personas):
    """A team on scene, with its visit report written."""
    asked = {
        "location": "Jl. Melati 4, rumah belakang",
        "kelurahan": _kelurahan(),
        "danger": "He has a knife",
        "who_is_there": "Her two children",
        "children_present": True,
        "accommodation": "Uses a wheelchair",
        "safe_approach": "Come to the back door",
    }
    sent = dispatches.request_dispatch(worker, personas.rapid_response, asked, case=case)
    for step in dispatches.STEPS[1:4]:
        sent = dispatches.record_step(worker, sent, sent.version, step)
    visit = {"found": "Safe, shaken", "taken_to": "health", "risk_now": "medium"}
    return dispatches.report_visit(worker, sent, sent.version, visit)


def _placement(worker, case, personas, dispatch):
    """The survivor asked for, given a bed by the persona's safe house, and staying."""
    house = make_house()
    asked = {
        "people": [case.clients.get(role="survivor")],
        "house": house,
        "urgency": "tonight",
        "needs": "Asthma inhaler",
        "dispatch": dispatch,
    }
    officer = personas.shelter_officer
    placement = shelter.request_placement(worker, case, asked)
    placement = shelter.accept(officer, placement, placement.version, house.rooms.first())
    return shelter.check_in(officer, placement, placement.version)


def _outreach(worker, personas):
    """A school session of unit A, every count and text given, with a photo."""
    data = {
        "kind": "school",
        "held_on": OPENED.date(),
        "kelurahan": _kelurahan(),
        "title": "Sesi sekolah SDN 01",
        **{name: 3 + i for i, name in enumerate(COUNTS)},
        "with_disabilities": 2,
        "partners": "Puskesmas Tebet",
        "materials": "Poster, buku saku",
        "follow_ups": "Sesi kedua bulan depan",
    }
    outreach = prevention.record_outreach(worker, personas.unit_a, data)
    image = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(image, format="PNG")
    upload = SimpleUploadedFile("kegiatan.png", image.getvalue(), "image/png")
    return outreach, prevention.add_photo(worker, outreach, upload)


def _referral(worker, case, personas):
    """The partner hospital in the directory, her consent to a visum there, and the
    referral sent under it, accepted."""
    Provider.objects.create(
        unit=personas.partner,
        services=["health", "law_enforcement"],
        opening_hours="24 jam",
        accessibility=["wheelchair"],
        accessibility_note="Lift di gedung B",
        staff_contact="IGD, 021-555-0101",
    ).regions.set(["31.74"])
    survivor = case.clients.get(role="survivor")
    consent = referrals.record_consent(
        worker,
        case,
        {
            "client": survivor,
            "purpose": "referral",
            "recipient": personas.partner,
            "categories": ["identity", "demographics", "incident", "accommodations"],
            "how": "signed",
        },
    )
    asked = {"client": survivor, "provider": personas.partner, "service": "health"}
    sent = referrals.send_referral(worker, case, {**asked, "purpose": "Visum"})
    # Accepted: the partner's page shows its progress and outcome forms.
    return consent, referrals.accept(personas.partner_officer, sent, sent.version)


def _casework(worker, case, personas):
    work.save_plan(worker, case, None, "To be safe at home and to finish school.")
    work.add_service(
        worker,
        case,
        {
            "type": "health",
            "provider_name": "RSUD Tebet",
            "due_on": date(2026, 11, 25),
            "status": "done",
            "outcome": "Treated and followed up.",
            "done_on": date(2026, 11, 24),
        },
    )
    work.request_approval(worker, case, "plan", "Please review.")
    work.record_assessment(worker, case, "needs", {"health": "some"}, summary="Canary summary")
    upload_attachment(
        worker,
        case,
        SimpleUploadedFile("note.txt", b"A plain text note.", content_type="text/plain"),
    )
    track = SanctionTrack.objects.get(case=case)
    work.update_sanction(
        worker,
        track,
        track.version,
        {
            "notified_on": date(2026, 11, 26),
            "notified_how": "A letter to the personnel office",
            "decision": "warning",
            "decided_on": date(2026, 11, 28),
            "notes": "Canary sanction notes",
            "concluded": True,
        },
    )


# Safe contact, fully filled, as the draft and the case keep it: one window per safe channel
# (what the forms show), every day of the week given.
SAFE_CONTACT = {
    "safe_channels": ["sms", "whatsapp"],
    "contact_windows": {
        "sms": [{"days": [1, 2, 3, 4, 5], "start": "19:00", "end": "21:00"}],
        "whatsapp": [{"days": [6, 7], "start": "08:00", "end": "17:00"}],
    },
    "safe_times": "after 19:00",
    "code_word": "melati",
    "voicemail_safe": False,
    "safe_person_name": "Bu Tini",
    "safe_person_phone": "+6281355556666",
    "safe_person_relation": "sister",
}


def _contact(worker, case):
    save_contact(
        worker,
        case,
        1,
        {
            "contact_phone": "+6281234567890",
            "contact_email": "siti@example.org",
            "may_name_service": True,
            **SAFE_CONTACT,
        },
    )


def _draft(personas):
    point = ServicePoint.objects.create(
        name="Test 112 desk",
        kind=ServicePointKind.CALL_CENTRE_112,
        unit=personas.call_centre,
        region_id="31.74.01.1001",
        address="Jl. Medan Merdeka 1",
    )
    return intake.save_draft(
        personas.intake_officer,
        personas.call_centre,
        {
            "channel": "call_112",
            "service_point": point,
            "reporter_type": "other",
            "reporter_relation": "neighbour",
            "reporter_name": "Dewi",
            "contact_phone": "0812-9999-8888",
            "contact_email": "dewi@example.org",
            "what_happened": "Canary: shouting next door",
            "occurred_on": date(2026, 11, 29),
            "occurred_estimate": "last night",
            "kelurahan": _kelurahan(),
            "street_detail": "Gang 3, the blue house",
            "people_affected": 2,
            "in_danger_now": True,
            "perpetrator_nearby": False,
            "weapon_or_threat": True,
            "injuries": False,
            "child_alone": True,
            "self_harm": False,
            "sexual_violence_72h": True,
            **SAFE_CONTACT,
            "consent_contact": True,
            "consent_services": True,
            "consent_statistics": True,
        },
        [
            {
                "name": "Ani",
                "age": 34,
                "age_is_estimate": True,
                "sex": "female",
                **{name: "some" for name in WG},
                "wg_communicating": "none",
                "accommodations": ["sign_language"],
            }
        ],
    )


# The personas and the world are made once for the module (tests/conftest.py: module_rows):
# each test's writes are rolled back when it ends, so every test starts from the same world.
@pytest.fixture(scope="module")
def personas(module_personas):
    return module_personas


@pytest.fixture(scope="module")
def world(personas):
    return make_world(personas)


def make_world(personas):
    """One case with every part filled in, and a fully filled intake draft (the browser's
    accessibility walk makes it too, committed for its live server)."""
    worker = personas.case_worker_a
    with time_machine.travel(OPENED, tick=False):
        case = actions.open_case(worker, personas.unit_a, priority="medium")
        survivor = _clients(worker, case)
        incident = _incident(worker, case, survivor)
        _casework(worker, case, personas)
        _contact(worker, case)
        report = _draft(personas)
        task = work.add_task(personas.supervisor_a, case, worker, "Call back", EDITED)
        dispatch = _dispatch(worker, case, personas)
        placement = _placement(worker, case, personas, dispatch)
        outreach, photo = _outreach(worker, personas)
        consent, referral = _referral(worker, case, personas)
    with time_machine.travel(REPORTED_TO_POLICE, tick=False):
        work.record_police_report(
            worker, case, reported_at=REPORTED_TO_POLICE, police_reference="LP/B/123/XI/2026"
        )
        case.refresh_from_db()
        actions.update_case(worker, case, case.version, {"status": "services", "priority": "high"})
    case.refresh_from_db()
    export, _password = request_row_export(
        personas.supervisor_a.memberships.get(), file_format="csv", names=False
    )
    return {
        Case: case,
        CaseClient: case.clients.get(role="survivor"),
        Incident: incident,
        Perpetrator: incident.perpetrators.get(),
        ServicePlan: ServicePlan.objects.get(case=case),
        PlannedService: case.services.get(),
        Approval: case.approvals.get(),
        Assessment: case.assessments.get(),
        Attachment: case.attachments.get(),
        SanctionTrack: case.sanctions.get(),
        PoliceReport: PoliceReport.objects.get(case=case),
        CaseContact: case.contact,
        Report: report,
        Task: task,
        Dispatch: dispatch,
        Placement: placement,
        Outreach: outreach,
        OutreachPhoto: photo,
        House: placement.house,
        Bed: Bed.objects.filter(room__house=placement.house).first(),
        Consent: consent,
        Referral: referral,
        Notification: Notification.objects.filter(user=worker).first(),
        RowExport: export,
    }


def _param_models():
    return {f"{model._meta.model_name}_id": model for model in apps.get_models()} | {
        "case_id": Case
    }


def _editor(personas, model):
    return personas.intake_officer if model is Report else personas.case_worker_a


def _client_for(personas, model):
    client = Client()
    log_in(client, _editor(personas, model))
    return client


def _html(response):
    """A page, not a file (a photo of an outreach activity)."""
    return "text/html" in response.get("Content-Type", "")


def _edit_forms(html, url):
    """The forms of a page that post back to it and edit a stored record."""
    return [
        form
        for form in read_forms(html)
        if form.posts_to(url)
        and "form_token" not in form.hidden
        and ("version" in form.hidden or form.prefilled)
    ]


def _record_pages():
    """(name, route parameters) of every page whose address names a record."""
    pages = []
    for namespaces, name, _route, params in walk():
        if {"admin", "api"} & set(namespaces) or not name:
            continue
        if any(p.endswith("_id") for p in params):
            pages.append((name, params))
    return pages


def _url(name, params, world):
    models = _param_models()
    missing = [p for p in params if models.get(p) not in world]
    assert not missing, f"{name}: add a fully filled record for {missing} to the world"
    return reverse(name, kwargs={p: str(world[models[p]].pk) for p in params})


def test_every_edit_form_is_listed_for_the_round_trip(personas, world):
    found = set()
    with time_machine.travel(EDITED, tick=False):
        for name, params in _record_pages():
            url = _url(name, params, world)
            record_model = _param_models()[params[0]]
            for model in {record_model, Case}:
                response = _client_for(personas, model).get(url)
                if (
                    response.status_code == 200
                    and _html(response)
                    and _edit_forms(response.text, url)
                ):
                    found.add(name)
    assert found == set(EDIT_FORMS)


@pytest.mark.parametrize("model", sorted(set(EDIT_FORMS.values()), key=str))
def test_the_world_holds_a_fully_filled_record(world, model):
    record = world[model]
    allowed = MAY_BE_EMPTY.get(model, set())
    unfilled = [
        field.name
        for field in record._meta.concrete_fields
        if field.name not in allowed and _unfilled(field, getattr(record, field.attname))
    ]
    assert unfilled == [], f"{model.__name__}: fill these fields in the world"


def _unfilled(field, value):
    """Empty, unticked, or left at the choice that says "not known"."""
    if value is False:
        return not field.null  # a yes/no/unknown answer of "no" is an answer
    return value in (None, "", [], {}) or (bool(field.choices) and value == "unknown")


def _snapshot():
    rows = {}
    for config in map(apps.get_app_config, ("cases", "casework", "intake", "response")):
        for model in config.get_models():
            if model in NOT_COMPARED_MODELS:
                continue
            fields = [f for f in model._meta.concrete_fields if f.name not in BOOKKEEPING_FIELDS]
            # Values, not model instances: the fuzz tests take hundreds of snapshots.
            columns = (model._meta.pk.attname, *(f.attname for f in fields))
            for pk, *values in model.objects.values_list(*columns):
                rows[(model.__name__, pk)] = {
                    f.name: v for f, v in zip(fields, values, strict=True)
                }
    return rows


def _changed(before, after):
    """What changed, by model and field name: never the values (personal data)."""
    changes = sorted(f"{model} row added or removed" for model, _pk in before.keys() ^ after)
    for key in before.keys() & after.keys():
        changes += [f"{key[0]}.{n}" for n in before[key] if before[key][n] != after[key][n]]
    return sorted(changes)


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("name", sorted(EDIT_FORMS))
def test_saving_an_edit_form_unchanged_changes_nothing(name, language, personas, world, settings):
    settings.LANGUAGE_CODE = language
    model = EDIT_FORMS[name]
    params = next(p for n, p in _record_pages() if n == name)
    url = _url(name, params, world)
    with time_machine.travel(EDITED, tick=False):
        client = _client_for(personas, model)
        page = client.get(url)
        assert page.status_code == 200
        (form,) = _edit_forms(page.text, url)
        before = _snapshot()
        response = client.post(url, form.data())
        after = _snapshot()
    assert response.status_code == 302, f"{name} did not save: {response.status_code}"
    assert _changed(before, after) == []
