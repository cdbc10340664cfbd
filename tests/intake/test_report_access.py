"""The intake report of a case is read through the case: whoever may see the case may read
the report it was opened from (the permission matrix's access model), in addition to
intake's own rules; anyone else gets 404, audited, as for an id that does not exist."""

import pytest
from django.test import Client

from lindungi.audit.models import AuditEvent
from lindungi.cases import actions as case_actions
from lindungi.cases.access import Need
from lindungi.cases.models import RestrictionReason
from lindungi.intake import actions
from tests.login import log_in
from tests.test_permission_matrix import ACCESS

# Who reaches which case without break-glass (no grant is made here).
ALLOWED = {
    persona: {key for key, needs in cases.items() if Need.CONTENT in needs}
    for persona, cases in ACCESS.items()
}


def opened_report(personas, unit):
    """A report taken at the service centre's own desk by its supervisor, opened as a case
    there, with the unit's case worker assigned."""
    supervisor = getattr(personas, f"supervisor_{unit}")
    owner = getattr(personas, f"unit_{unit}")
    draft = actions.save_draft(supervisor, owner, {"channel": "walk_in", "what_happened": "x"})
    report = actions.submit_report(supervisor, draft, draft.version)
    report = actions.open_case_from_report(supervisor, report, report.version, owner)
    worker = getattr(personas, f"case_worker_{unit}")
    case_actions.assign_worker(supervisor, report.case, worker)
    return report


@pytest.fixture
def reports(personas):
    restricted = opened_report(personas, "a")
    case_actions.restrict_case(
        personas.supervisor_a, restricted.case, RestrictionReason.CONFLICT_OF_INTEREST
    )
    return {
        "a": opened_report(personas, "a"),
        "b": opened_report(personas, "b"),
        "restricted": restricted,
    }


@pytest.mark.parametrize("persona", sorted(ALLOWED))
def test_the_report_of_a_case_follows_the_cases_access_model(personas, reports, persona):
    client = Client()
    log_in(client, getattr(personas, persona))
    for key, report in reports.items():
        before = AuditEvent.objects.filter(action="case.denied").count()
        status = client.get(f"/laporan/triase/{report.pk}/").status_code
        if key in ALLOWED[persona]:
            assert status == 200, (persona, key)
        else:
            assert status == 404, (persona, key, status)
            assert AuditEvent.objects.filter(action="case.denied").count() > before


def test_a_report_without_a_case_stays_with_intake(client, personas):
    report, _pin = actions.receive_public_report({"what_happened": "x"})
    log_in(client, personas.intake_officer)
    assert client.get(f"/laporan/triase/{report.pk}/").status_code == 200
    log_in(client, personas.case_worker_a)
    assert client.get(f"/laporan/triase/{report.pk}/").status_code == 404
