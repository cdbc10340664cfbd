"""Every staff route sends an anonymous request to the login page first (issue 11, item 4).

The routes are found by walking Django's URL resolver, so a page added later is checked
without anyone remembering to list it. Each is requested anonymously with every method,
for an id that exists (a case, an attachment, a report of unit A) where it takes one:
the answer is the login page, and nothing reaches the audit trail. Only the pages meant for
the public are left out, by name; the API answers 401 through its own authentication.
"""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse

from lindungi.audit.models import AuditEvent
from lindungi.cases.attachments import upload_attachment
from lindungi.intake import actions
from tests.cases.factories import make_case
from tests.test_permission_matrix import walk

# Open to anyone, on purpose.
PUBLIC = {
    "healthz",
    "set_language",
    "accounts:login",
    "accounts:logout",
    "admin:login",
    "lapor:form",
    "lapor:status",
    "public_stats:page",
    "public_stats:csv",
}
METHODS = ("get", "post")
# The admin's pages keep their own check, which goes through its login address to ours.
LOGIN_PAGES = ("/akun/masuk/?next=", "/admin/login/?next=")
# Staff pages (cases, intake, notifications, accounts, admin...) when this was written.
MINIMUM_ROUTES = 60


def _address(name, params, ids):
    """The route's address with every parameter filled (a real record's id where there is
    one), or None if no guess fits its converters."""
    for guess in (str(uuid.uuid4()), "1", "auth", "x"):
        try:
            return reverse(name, kwargs={p: ids.get(p, guess) for p in params})
        except NoReverseMatch:
            continue
    return None


def staff_routes():
    routes = []
    for namespaces, name, _route, params in walk():
        if name is None or name in PUBLIC or (namespaces and namespaces[0] == "api"):
            continue
        routes.append((name, params))
    return routes


ROUTES = staff_routes()


# Made once for the module: anonymous requests change nothing (each test's writes are rolled
# back all the same).
@pytest.fixture(scope="module")
def ids(module_personas, tmp_path_factory):
    personas = module_personas
    case = make_case(personas, "a")
    note = SimpleUploadedFile("note.txt", b"A plain text note.", content_type="text/plain")
    with override_settings(DATA_DIR=tmp_path_factory.mktemp("files")):
        attachment = upload_attachment(case.workers.first(), case, note)
    draft = actions.save_draft(
        personas.supervisor_a, personas.unit_a, {"channel": "walk_in", "what_happened": "x"}
    )
    report = actions.submit_report(personas.supervisor_a, draft, draft.version)
    return {
        "case_id": str(case.pk),
        "client_id": str(case.clients.first().pk),
        "incident_id": str(case.incidents.first().pk),
        "attachment_id": str(attachment.pk),
        "report_id": str(report.pk),
    }


def test_the_walk_finds_the_staff_routes():
    names = {name for name, _params in ROUTES}
    assert len(ROUTES) >= MINIMUM_ROUTES, len(ROUTES)
    assert {"cases:attachments", "cases:attachment_download", "intake:report"} <= names


@pytest.mark.parametrize(("name", "params"), ROUTES, ids=[name for name, _p in ROUTES])
def test_an_anonymous_request_goes_to_the_login_page_and_leaves_no_audit_row(name, params, ids, db):
    url = _address(name, params, ids)
    assert url is not None, f"{name}: cannot build its address"
    before = AuditEvent.objects.count()
    for method in METHODS:
        response = getattr(Client(), method)(url)
        assert response.status_code == 302, (name, method, response.status_code)
        assert response.url.startswith(LOGIN_PAGES), (name, method, response.url)
    assert AuditEvent.objects.count() == before


def test_an_anonymous_htmx_request_loads_the_login_page_whole(ids, db):
    response = Client().get(f"/kasus/{ids['case_id']}/lampiran/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith("/akun/masuk/?next=")
    assert not AuditEvent.objects.filter(action="case.denied").exists()


def test_the_api_answers_an_anonymous_call_401_without_an_audit_row(ids, db):
    before = AuditEvent.objects.count()
    assert Client().get(f"/api/v1/cases/{ids['case_id']}").status_code == 401
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("url", ["/lapor/", "/lapor/status/", "/akun/masuk/", "/healthz"])
def test_the_public_pages_stay_open(db, url):
    assert Client().get(url).status_code == 200


def test_the_admins_login_address_leads_to_ours(db):
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response.url == "/akun/masuk/?next=/admin/"
