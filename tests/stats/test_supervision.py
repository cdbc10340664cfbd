"""The supervisor's indicators on the statistics dashboard (issue 16): a unit's own load,
counted through the access module; none for the analyst, whose figures are the city's."""

import pytest
from django.test import Client
from django.urls import reverse

from lindungi.cases.models import Case, Status
from tests.login import log_in
from tests.stats.world import new_case

pytestmark = pytest.mark.django_db


def _indicators(user):
    client = Client()
    log_in(client, user)
    response = client.get(reverse("stats:dashboard"))
    assert response.status_code == 200
    return {caption: dict(rows) for caption, rows in response.context["indicators"]}


def test_a_unit_supervisor_sees_the_unit_s_own_load_and_the_analyst_none(personas):
    for _n in range(3):
        new_case(personas)
    new_case(personas, unit="b")
    mine = _indicators(personas.supervisor_a)
    active = Case.objects.filter(unit=personas.unit_a).exclude(status=Status.CLOSED).count()
    assert mine["Caseload now"]["Active cases"] == active == 3
    assert mine["Caseload now"]["Approvals waiting"] == 0
    assert mine["Rapid response in the period"]["Dispatches"] == 0
    assert mine["Rapid response in the period"]["Minutes to acknowledge (mean)"] is None
    assert mine["Referrals in the period"]["Referrals sent"] == 0
    assert _indicators(personas.supervisor_b)["Caseload now"]["Active cases"] == 1
    assert _indicators(personas.analyst) == {}
