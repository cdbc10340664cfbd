"""Logs: one JSON line per request, and no personal data anywhere in the log output."""

import io
import json
import logging
import sys
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from django.views.debug import ExceptionReporter

from lindungi.accounts.models import User
from lindungi.audit.events import record
from lindungi.audit.models import AuditEvent
from lindungi.places.models import ServicePoint, ServicePointKind
from tests.login import log_in
from tests.personas import PASSWORD

# Canary personal data: none of these may appear in any log line.
NAME = "Sitinurcanary Aminah"
EMAIL = "sitinurcanary@contoh.id"
PHONE = "0812-3456-7891"
NIK = "3174015512990007"
ADDRESS = "Jl. Kenari Canary 17"
CANARIES = [NAME, "Sitinurcanary", EMAIL, PHONE, "081234567891", "81234567891", NIK, ADDRESS]

app_logger = logging.getLogger("lindungi.tests")


def crash(request, word):
    # A careless message, as library code writes them: it quotes the form values.
    raise ValueError(f"cannot save {request.POST.get('name')} ({request.POST.get('phone')})")


def warn(request):
    # A careless log call with a phone number and an e-mail address in it.
    app_logger.warning("could not reach %s or %s", request.POST.get("phone"), EMAIL)
    return HttpResponse("ok")


urlpatterns = [
    path("test/crash/<str:word>/", crash, name="crash"),
    path("test/warn/", warn, name="warn"),
    path("", include("lindungi.urls")),
]


def client_for(user, **options):
    client = Client(**options)
    log_in(client, user)
    return client


@pytest.fixture
def all_log_output(capfd):
    """Everything the configured handlers write, with every logger open at every level."""
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    levels = [(logger, logger.level) for logger in loggers]
    for logger, _level in levels:
        logger.setLevel(logging.DEBUG)
    captured = io.StringIO()
    streams = [
        (handler, handler.setStream(captured))
        for handler in logging.getLogger().handlers
        if handler.get_name() in settings.LOGGING["handlers"]
    ]
    assert streams, "no configured handler on the root logger"
    try:
        yield lambda: captured.getvalue() + "".join(capfd.readouterr())
    finally:
        for handler, stream in streams:
            handler.setStream(stream)
        for logger, level in levels:
            logger.setLevel(level)


def lines(output):
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


@pytest.mark.urls(__name__)
def test_no_personal_data_reaches_the_logs(personas, all_log_output):
    client = Client(raise_request_exception=False)
    with CaptureQueriesContext(connection):  # SQL is logged too, with its parameters
        # A login: a failed one with a canary e-mail, then a real one.
        client.post("/akun/masuk/", {"username": EMAIL, "password": PHONE})
        client.post("/akun/masuk/", {"username": personas.analyst.email, "password": PASSWORD})
        # Model saves, one of them encrypted, and an audit event about them.
        user = User.objects.create_user(EMAIL, PASSWORD, display_name=NAME)
        point = ServicePoint.objects.create(
            name="Canary post",
            kind=ServicePointKind.COMPLAINT_POST,
            unit=personas.unit_a,
            region_id="31.74.01.1001",
            address=ADDRESS,
        )
        record("user.update", actor=personas.administrator, obj=user, fields=["display_name"])
        # Requests with canaries in the path, the query string and the body.
        staff = client_for(personas.case_worker_a, raise_request_exception=False)
        form = {"name": NAME, "phone": PHONE, "nik": NIK, "email": EMAIL}
        error = staff.post(f"/test/crash/{NAME}/?phone={PHONE}&email={EMAIL}", form)
        missing = staff.get(f"/kasus/{NAME}/?nik={NIK}")
        staff.post("/test/warn/", form)
    output = all_log_output()

    assert error.status_code == 500
    assert missing.status_code == 404
    assert point.address == ADDRESS
    assert AuditEvent.objects.filter(action="user.update").exists()
    for canary in CANARIES:
        assert canary not in output
        assert canary.lower() not in output.lower()
    # The capture was not empty: the request lines and the error are there, without details.
    logged = lines(output)
    routes = [entry.get("route") for entry in logged if entry["logger"] == "lindungi.request"]
    assert routes.count("accounts:login") == 2
    assert "crash" in routes and None in routes
    crash_entry = next(e for e in logged if e["logger"] == "django.request" and "exception" in e)
    assert "builtins.ValueError" in crash_entry["exception"]
    assert "crash" in crash_entry["message"]
    assert any(entry["logger"] == "lindungi.tests" for entry in logged)


class Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def shown_text(response):
    parser = Text()
    parser.feed(response.content.decode())
    return " ".join(parser.parts)


@pytest.mark.urls(__name__)
def test_error_pages_show_nothing_of_the_request(personas):
    staff = client_for(personas.case_worker_a, raise_request_exception=False)
    form = {"name": NAME, "phone": PHONE}
    error = staff.post(f"/test/crash/{NAME}/?nik={NIK}", form)
    missing = staff.get(f"/kasus/{NAME}/?nik={NIK}")
    assert (error.status_code, missing.status_code) == (500, 404)
    for canary in CANARIES:
        assert canary not in error.content.decode()
        assert canary not in shown_text(missing)


def test_each_request_gives_one_json_line_with_ids_not_names(personas, all_log_output):
    client = client_for(personas.case_worker_a)
    response = client.get("/?q=secret")
    (entry,) = [e for e in lines(all_log_output()) if e["logger"] == "lindungi.request"]
    assert entry == {
        "time": entry["time"],
        "level": "INFO",
        "logger": "lindungi.request",
        "message": "request",
        "request_id": response["X-Request-ID"],
        "user_id": str(personas.case_worker_a.pk),
        "unit_id": str(personas.unit_a.pk),
        "role": "case_worker",
        "route": "home",
        "method": "GET",
        "status": 200,
        "duration_ms": entry["duration_ms"],
    }
    assert entry["duration_ms"] >= 0


def test_error_reports_hide_form_values_and_local_variables(rf):
    request = rf.post("/test/crash/x/", {"name": NAME, "phone": PHONE})
    secret_local = NAME  # noqa: F841 - a local variable the report would otherwise show
    try:
        raise ValueError("crash")
    except ValueError:
        report = ExceptionReporter(request, *sys.exc_info()).get_traceback_text()
    assert "name" in report
    for canary in (NAME, PHONE):
        assert canary not in report
