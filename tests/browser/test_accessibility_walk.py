"""Every page a person can open, in Bahasa Indonesia, checked by axe-core: no serious or
critical accessibility violation.

The pages are every route of the URL resolver (``tests.page_forms.pages``), their ids
filled from the fully filled world of the edit round trip (a case with every part, an
intake draft, a dispatch with its visit report), made here for the live server, with a
received 112 report for the triage pages and a rostered rapid response team, and the
administration's pages. Each page is
opened by the first persona who gets it as HTML, in ``WHO``'s order (``FIRST`` before it on
some routes): a case worker of the case's unit, its supervisor, the 112 intake officer, a
responder and the supervisor of the rapid response unit, the administrator, the head of
service (the administration's supervisor), someone half
way through logging in (password given, code not yet) or setting up a second factor, and
nobody (the public form, login). A route whose pages nobody can open fails the walk,
unless ``NOT_WALKED`` gives the reason.

One browser, one context per persona, reused across its pages.
"""

import time

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.urls import resolve, reverse

from lindungi.intake.models import Report
from lindungi.places.loader import load_province
from tests.browser.accessibility import violations
from tests.browser.conftest import open_page
from tests.browser.test_report_to_case_browser import (  # noqa: F401 - a fixture
    plain_session_cookie,
    signed_in,
)
from tests.login import authenticator_for, log_in
from tests.page_forms import pages
from tests.response.factories import high_risk_report, make_team
from tests.stats.world import head_of_service
from tests.test_edit_round_trip import make_world

# Committed for the live server, with every app available: the places app's own pages (home,
# service points) need its templates, which ``tests.browser.marks.commits`` leaves out.
pytestmark = [pytest.mark.browser, pytest.mark.pages_only, pytest.mark.django_db(transaction=True)]

# Who opens a page: the first of these who gets it as HTML (``FIRST`` goes before them).
WHO = [
    "case_worker_a",
    "supervisor_a",
    "intake_officer",
    "responder",
    "rr_supervisor",
    "administrator",
    "head_of_service",
    "second_step",
    "enrolling",
    "anonymous",
]
# Routes the walk does not open, and why.
NOT_PAGES = "not an HTML page"
POST_ONLY = "answers POST only (a form's target or an htmx fragment posted to)"
NOT_WALKED = {
    "healthz": NOT_PAGES,
    "accounts:mfa_qr": NOT_PAGES,  # the enrolment QR code, an SVG image
    "cases:attachment_download": NOT_PAGES,  # the attached file itself
    # The kelurahan options of the intake form's select, swapped in by htmx: walked as part
    # of the intake form's page.
    "intake:kelurahan_options": NOT_PAGES,
    "stats:simfoni": NOT_PAGES,  # a workbook or a CSV file
    "stats:dhis2": NOT_PAGES,  # a JSON file
    "stats:gbvims": NOT_PAGES,  # a workbook
    "stats:row_export_file": NOT_PAGES,  # a row-level export's file
    "public_stats:csv": NOT_PAGES,
    "stats:publish": POST_ONLY,
    "set_language": POST_ONLY,
    "accounts:logout": POST_ONLY,
    "accounts:switch_membership": POST_ONLY,
    "accounts:mfa_regenerate": POST_ONLY,
    "cases:gbv_next": POST_ONLY,
    "cases:attachment_remove": POST_ONLY,
    "cases:request_plan_approval": POST_ONLY,
    "cases:task_done": POST_ONLY,
    "notifications:read": POST_ONLY,
    "notifications:read_all": POST_ONLY,
    "intake:override_risk": POST_ONLY,
    "intake:open_case": POST_ONLY,
    "intake:hand_over": POST_ONLY,
    "intake:search_cases": POST_ONLY,
    "intake:link_case": POST_ONLY,
    "intake:refer": POST_ONLY,
    "intake:close": POST_ONLY,
    "response:step": POST_ONLY,
    "response:cancel": POST_ONLY,
    "response:plan": POST_ONLY,
    "response:assign": POST_ONLY,
    "response:swap": POST_ONLY,
    "response:leave": POST_ONLY,
    "shelter:accept": POST_ONLY,
    "shelter:decline": POST_ONLY,
    "shelter:check_in": POST_ONLY,
    "shelter:check_out": POST_ONLY,
    "shelter:add_record": POST_ONLY,
    "shelter:visitors": POST_ONLY,
    "shelter:cancel": POST_ONLY,
    "shelter:bed": POST_ONLY,
    "prevention:add_photo": POST_ONLY,
    "prevention:photo": NOT_PAGES,  # the photo itself
    **dict.fromkeys(
        (
            f"referrals:{name}"
            for name in (
                "withdraw_consent",
                "accept",
                "decline",
                "progress",
                "outcome",
                "revoke",
                "review",
            )
        ),
        POST_ONLY,
    ),
}


@pytest.fixture(scope="module", autouse=True)
def regions_back(django_db_blocker):
    """Jakarta's regions again after the test empties every table, the regions' too: later
    tests rely on them (tests/conftest.py loads them once per test database)."""
    yield
    with django_db_blocker.unblock():
        load_province("31")


def _clients(personas):
    """A test client for each persona of ``WHO``, logged in as far as that persona is."""
    team = make_team(personas)
    clients = {who: Client() for who in WHO}
    others = {"rr_supervisor": team.supervisor, "head_of_service": head_of_service(personas)}
    for who in WHO[:7]:
        log_in(clients[who], others.get(who) or getattr(personas, who))
    # Password given, the code not yet: the second step of the login.
    authenticator_for(personas.partner_officer)
    clients["second_step"].force_login(personas.partner_officer)
    # No second factor yet: the enrolment.
    clients["enrolling"].force_login(personas.analyst)
    return clients


def _admin_pages():
    """The administration's index, and the list and the new-record form of every Lindungi
    model it manages (``tests.page_forms.pages`` leaves the admin's routes out; the login
    throttling's and Django's groups are a superuser's, not the administrator's)."""
    yield reverse("admin:index")
    for model in admin.site._registry:
        if not model.__module__.startswith("lindungi."):
            continue
        for page in ("changelist", "add"):
            yield reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}")


def _urls(personas):
    """Every page's URL, by route: the world's, and the triage pages of a received report."""
    world = make_world(personas)
    received = high_risk_report(personas)
    assert received.status != world[Report].status
    by_route = {}
    for url in {*pages(world), *pages({**world, Report: received}), *_admin_pages()}:
        by_route.setdefault(resolve(url).view_name, []).append(url)
    return by_route


# Who comes first, by namespace or route: the rapid response unit's own people on its
# pages, nobody on the public form and the login.
FIRST = {
    "response": ["responder", "rr_supervisor"],
    "lapor": ["anonymous"],
    "accounts:login": ["anonymous"],
}


def _opener(clients, url):
    """The first persona whose browser gets ``url`` as an HTML page, or None."""
    match = resolve(url)
    first = FIRST.get(match.view_name, FIRST.get(match.namespace, []))
    for who in dict.fromkeys(first + WHO):
        answer = clients[who].get(url)
        if answer.status_code == 200 and "text/html" in answer.get("Content-Type", ""):
            return who
    return None


def _openers(clients, by_route):
    """{persona: [url]} for every route walked; fails naming the routes nobody can open."""
    openers, unopened = {}, []
    for route, urls in sorted(by_route.items()):
        if route in NOT_WALKED:
            continue
        opened = {url: who for url in urls if (who := _opener(clients, url))}
        if not opened:
            unopened.append(route)
        for url, who in opened.items():
            openers.setdefault(who, []).append(url)
    assert not unopened, f"nobody can open the pages of {unopened}"
    return openers


def _browser_for(chromium, live_server, clients, who):
    if who == "anonymous":
        return open_page(chromium)
    return signed_in(
        chromium, live_server, clients[who].cookies[settings.SESSION_COOKIE_NAME].value
    )


@pytest.mark.usefixtures("plain_session_cookie")
def test_every_page_has_no_serious_or_critical_accessibility_violation(
    chromium, live_server, personas
):
    clients = _clients(personas)
    openers = _openers(clients, _urls(personas))
    found, started = {}, time.monotonic()
    for who, urls in openers.items():
        context, page = _browser_for(chromium, live_server, clients, who)
        for url in sorted(urls):
            page.goto(f"{live_server.url}{url}")
            # The case page loads its sections after it: axe reads them too.
            if page.locator('[hx-trigger^="load"]').count():
                page.wait_for_load_state("networkidle")
            if problems := violations(page):
                found[f"{who} {resolve(url).view_name}"] = problems
        context.close()
    walked = sum(map(len, openers.values()))
    by_who = ", ".join(f"{who} {len(urls)}" for who, urls in openers.items())
    print(f"axe: {walked} pages ({by_who}) in {time.monotonic() - started:.1f} s", end=" ")
    assert not found, "\n".join(f"{where}: {problems}" for where, problems in found.items())
