"""Playwright driving Debian's Chromium (/usr/bin/chromium, from apt: `make test` installs it).

Playwright's own browser downloads are never used. Where Chromium is missing the browser
tests skip on a developer's machine but fail in CI (CI=true), so CI cannot pass without
them.

The browser speaks Bahasa Indonesia (locale id-ID) and the server's default language is
Indonesian, as deployed: a test that needs English asks for it with
``@pytest.mark.parametrize("browser_language", ["en"], indirect=True)``. Tests name what a
person sees by its source string, translated into the page's language with ``shown()``.
"""

import os
import shutil

import pytest
from django.conf import settings
from django.core.servers.basehttp import WSGIServer
from django.test import Client
from django.test.testcases import LiveServerThread
from django.utils import translation

from tests.login import log_in


class OneRequestAtATime(WSGIServer):
    """The live server, answering one request at a time.

    On SQLite the test database lives in memory, and Django hands the live server's threads
    that one connection: two requests at once (a case page loads its sections together)
    would run their transactions interleaved on it and fail. A deployment on SQLite writes
    one transaction at a time anyway. Without threads the server closes each connection
    after its answer, so a browser's idle connection never holds up the next request.
    """

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


LiveServerThread.server_class = OneRequestAtATime

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def chromium():
    if not (os.path.exists(CHROMIUM) and shutil.which(CHROMIUM)):
        message = f"{CHROMIUM} is missing: apt-get install -y chromium (make test does)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, which Django takes
    # for async code and refuses database calls from. The tests' own calls are plain sync
    # code; the server runs in its own thread. Only for this module: loop and flag end here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# The browser's locale and Accept-Language for each language of the app.
LOCALES = {"id": ("id-ID", "id-ID,id;q=0.9"), "en": ("en-US", "en-US,en;q=0.9")}


@pytest.fixture(autouse=True)
def browser_language(request, settings):
    """Bahasa Indonesia unless the test asks for English: the server's default language
    (the browser sends no language cookie) and the language ``open_page`` gives the
    browser."""
    language = getattr(request, "param", "id")
    settings.LANGUAGE_CODE = language
    return language


def shown(message):
    """``message`` as the page shows it, in the language of the browser tests."""
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(message)


@pytest.fixture
def fast_form(settings):
    """The public form's minimum time to fill, shortened: a robot fills it faster than a
    person, and so does a test. The check itself is tested in tests/intake."""
    settings.LINDUNGI_PUBLIC_FORM_MIN_SECONDS = 0


NEUTRAL_PAGE = "<!doctype html><title>Cuaca</title><h1>Cuaca Jakarta</h1>"


def open_page(browser, *, javascript=True):
    """A fresh browser context (no history, no cookies) whose quick-exit target is served
    locally: tests reach nothing outside this machine."""
    locale, accept = LOCALES[settings.LANGUAGE_CODE]
    context = browser.new_context(
        java_script_enabled=javascript,
        locale=locale,
        extra_http_headers={"Accept-Language": accept},
    )
    context.referers_sent_out = []

    def neutral(route):
        context.referers_sent_out.append(route.request.headers.get("referer"))
        route.fulfill(status=200, content_type="text/html", body=NEUTRAL_PAGE)

    context.route("https://www.google.com/**", neutral)
    return context, context.new_page()


def log_in_browser(context, live_server, user):
    """Give the browser the session of ``user`` logged in with a verified second factor
    (the login pages themselves are tested in tests/accounts)."""
    client = Client()
    log_in(client, user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    # Secure, as the server sets it: Chromium keeps secure cookies for http://localhost.
    cookie = {
        "name": settings.SESSION_COOKIE_NAME,
        "value": session,
        "domain": "localhost",
        "path": "/",
    }
    context.add_cookies([{**cookie, "secure": settings.SESSION_COOKIE_SECURE}])
