"""Security headers and cookie flags, as production sends them (tests run with debug off)."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path

from lindungi.core.security import no_store
from tests.login import log_in
from tests.personas import PASSWORD

LOGIN = "/akun/masuk/"


@login_not_required
@no_store
def public_sensitive_form(request):
    return HttpResponse("form")


@login_not_required
def public_page(request):
    return HttpResponse("page")


urlpatterns = [
    path("test/sensitive/", public_sensitive_form),
    path("test/public/", public_page),
    path("", include("lindungi.urls")),
]


def client_for(user, **options):
    client = Client(**options)
    log_in(client, user)
    return client


def csp_directives(response):
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def test_the_content_security_policy_allows_nothing_inline_or_foreign(db):
    directives = csp_directives(Client().get(LOGIN))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    everything = " ".join(value for values in directives.values() for value in values)
    assert "unsafe" not in everything
    assert "*" not in everything


def test_every_page_forbids_framing_referrers_sniffing_and_powerful_features(personas):
    client = client_for(personas.case_worker_a)
    for response in (Client().get(LOGIN), client.get("/"), client.get("/no-such-page/")):
        assert response["X-Frame-Options"] == "DENY"
        # same-origin, not no-referrer: Chromium would send "Origin: null" with our own
        # form POSTs and CSRF would refuse them; no other site ever gets a Referer.
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        features = dict(item.split("=") for item in response["Permissions-Policy"].split(", "))
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert features[feature] == "()"
        assert "Content-Security-Policy" in response


def test_https_responses_carry_hsts_for_a_year_with_subdomains(db):
    response = Client().get(LOGIN, secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_every_response_to_a_logged_in_user_is_no_store(personas):
    client = client_for(personas.case_worker_a)
    for url in ("/", "/no-such-page/", "/tempat/"):
        assert "no-store" in client.get(url)["Cache-Control"]


@pytest.mark.urls(__name__)
def test_a_public_sensitive_page_is_no_store_and_a_plain_public_page_is_not(db):
    assert "no-store" in Client().get("/test/sensitive/")["Cache-Control"]
    assert "Cache-Control" not in Client().get("/test/public/")


def test_the_login_answer_sets_a_secure_httponly_host_only_session_cookie(personas):
    client = Client()
    form = client.get(LOGIN)
    csrf = form.cookies["__Host-lindungi_csrf"]
    assert csrf["secure"] is True
    assert csrf["samesite"] == "Lax"
    assert csrf["path"] == "/"
    assert not csrf["domain"]
    response = client.post(LOGIN, {"username": personas.analyst.email, "password": PASSWORD})
    assert response.status_code == 302
    session = response.cookies["__Host-lindungi_session"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert session["path"] == "/"
    assert not session["domain"]
    # Not kept on disk once the browser closes (a shared complaint-post computer).
    assert not session["max-age"] and not session["expires"]


class InlineCode(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, style attributes, handlers."""

    def __init__(self):
        super().__init__()
        self.found = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action") and (value or "").startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:...>")
        if tag == "style":
            self.found.append("<style>")
        if tag == "script" and "src" not in attributes:
            # A JSON data block is not executed, so the CSP lets it be.
            self._in_script = attributes.get("type") != "application/json"

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append(f"<script>{data.strip()[:40]}</script>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def inline_code(response):
    parser = InlineCode()
    parser.feed(response.content.decode())
    return parser.found


def test_our_pages_have_no_inline_code_the_csp_would_block(personas):
    client = client_for(personas.case_worker_a)
    for response in (Client().get(LOGIN), client.get("/"), client.get("/no-such-page/")):
        assert inline_code(response) == []


def test_the_admin_pages_have_no_inline_code_the_csp_would_block(personas):
    client = client_for(personas.administrator)
    unit = personas.unit_a.pk
    pages = [
        "/admin/",
        "/admin/accounts/user/",
        "/admin/accounts/unit/",
        "/admin/accounts/unit/add/",
        f"/admin/accounts/unit/{unit}/change/",
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert inline_code(response) == [], page
