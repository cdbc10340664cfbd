import pytest
from django.test import Client
from django.utils import timezone

from lindungi.cases import actions
from lindungi.casework import actions as work
from lindungi.intake import actions as intake
from lindungi.places.models import Region
from lindungi.prevention.actions import record_outreach
from lindungi.referrals import actions as referrals
from lindungi.response.actions import request_dispatch
from lindungi.shelter.actions import request_placement
from tests.cases.factories import make_case
from tests.login import log_in
from tests.response.factories import high_risk_report


@pytest.fixture
def cases(personas):
    return {
        "a": make_case(personas, "a"),
        "b": make_case(personas, "b"),
        "restricted": make_case(personas, "a", restricted=True),
    }


@pytest.fixture
def api_client():
    """``api_client(user)``: a test client logged in as ``user``, second factor included."""

    def make(user, **options):
        client = Client(**options)
        log_in(client, user)
        return client

    return make


def _at(report):
    return report, report.version


@pytest.fixture
def ids(personas):
    """A record of unit A for every kind of id in a path, reachable by its case worker."""
    worker = personas.case_worker_a
    case = make_case(personas, "a")
    incident = case.incidents.get()
    service = work.add_service(
        worker, case, {"type": "health", "provider_name": "RSUD", "due_on": incident.reported_on}
    )
    perpetrator = actions.add_perpetrator(worker, incident, {"relationship": "tetangga"})
    # A report whose case the case worker is given (and so reads, contact details included).
    supervisor = personas.supervisor_a
    report = intake.hand_over(
        personas.intake_officer, *_at(high_risk_report(personas)), personas.unit_a
    )
    report = intake.open_case_from_report(supervisor, *_at(report), personas.unit_a)
    actions.assign_worker(supervisor, report.case, worker)
    consent = referrals.record_consent(
        worker,
        case,
        {
            "client": case.clients.get(),
            "purpose": "referral",
            "recipient": personas.partner,
            "categories": ["identity", "demographics", "incident", "accommodations"],
            "how": "signed",
        },
    )
    asked = {"client": consent.client, "provider": personas.partner, "service": "health"}
    referral = referrals.send_referral(worker, case, {**asked, "purpose": "Visum"})
    return {
        "report_id": report.pk,
        "consent_id": consent.pk,
        "referral_id": referral.pk,
        "case_id": case.pk,
        "client_id": case.clients.get().pk,
        "incident_id": incident.pk,
        "perpetrator_id": perpetrator.pk,
        "plannedservice_id": service.pk,
        "task_id": work.add_task(worker, case, worker, "Call back", timezone.now()).pk,
        "casenote_id": work.add_note(worker, case, "Called").pk,
        "assessment_id": work.record_assessment(worker, case, "risk", {}).pk,
        "dispatch_id": request_dispatch(
            worker,
            personas.rapid_response,
            {"location": "Jl. Melati 4", "danger": "A knife"},
            case=case,
        ).pk,
        # A place asked for the survivor, in the queue.
        "placement_id": request_placement(
            worker, case, {"people": [case.clients.get()], "urgency": "tonight"}
        ).pk,
        "outreach_id": record_outreach(
            worker,
            personas.unit_a,
            {
                "kind": "campaign",
                "held_on": incident.reported_on,
                "kelurahan": Region.objects.get(code="31.74.01.1001"),
                "title": "Kampanye 16 hari",
            },
        ).pk,
    }
