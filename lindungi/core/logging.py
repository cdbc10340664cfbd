"""Structured logs that never carry personal data (docs/architecture.md, rule 4).

- ``RequestLogMiddleware`` writes one line per request: request id, user id (a UUID, never an
  email), unit, role, route name (never the path, which may hold ids, and never the query
  string), method, status and duration.
- ``JsonFormatter`` writes one JSON object per line, with only the fields named in ``FIELDS``.
- ``PersonalDataFilter`` is the safety net on the handler, for log calls written elsewhere
  (Django, libraries, our own mistakes): exception messages are withheld (they quote form
  values: "invalid literal for int(): 'Siti'"), request paths become route names, query
  strings, e-mail addresses, phone numbers and NIKs are masked, and SQL is not logged at all.
- ``PersonalDataReporterFilter`` keeps POST values and local variables out of error reports.
"""

import contextvars
import json
import logging
import re
import time
import traceback
from datetime import UTC, datetime

from django.http import HttpRequest
from django.views.debug import SafeExceptionReporterFilter

# The only record attributes a log line may carry besides time, level, logger and message.
FIELDS = (
    "request_id",
    "user_id",
    "unit_id",
    "role",
    "route",
    "method",
    "status",
    "status_code",
    "duration_ms",
)

# SQL text is logged with its parameters filled in; the runserver line has the raw URL.
DROPPED_LOGGERS = ("django.db.backends", "django.server")

MASK = "[withheld]"
PATTERNS = [
    re.compile(r"(?<=\?)[^\s\"'<>]+"),  # a query string: whatever follows "?"
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),  # an e-mail address
    re.compile(r"(?<![\w-])(?:\+?62|0)[\s-]?8\d{1,3}(?:[\s-]?\d){5,9}(?![\w-])"),  # a phone
    re.compile(r"(?<![\w-])\d{16}(?![\w-])"),  # a NIK
]

_request_id = contextvars.ContextVar("request_id", default=None)


def redact(text):
    for pattern in PATTERNS:
        text = pattern.sub(MASK, text)
    return text


def _route(request):
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else None


def _traceback_without_messages(exc_info):
    """The frames of an exception and its causes, with the exception messages withheld."""
    _type, exception, _tb = exc_info
    parts = []
    seen = set()
    while exception is not None and id(exception) not in seen:
        seen.add(id(exception))
        frames = traceback.format_list(traceback.extract_tb(exception.__traceback__))
        name = f"{type(exception).__module__}.{type(exception).__qualname__}"
        parts.append("Traceback (most recent call last):\n" + "".join(frames) + f"{name}: {MASK}")
        exception = exception.__cause__ or exception.__context__
    return "\n\nWhile handling the exception above:\n".join(reversed(parts))


class PersonalDataFilter(logging.Filter):
    """Rewrites every record a handler gets into a form that holds no personal data."""

    def filter(self, record):
        if record.name.startswith(DROPPED_LOGGERS):
            return False
        request = getattr(record, "request", None)
        if isinstance(request, HttpRequest):
            # django.request and django.security log "Not Found: <path>" and the like.
            route = _route(request) or "-"
            paths = {request.path, request.path_info, request.get_full_path()}
            if isinstance(record.args, tuple):
                record.args = tuple(route if arg in paths else arg for arg in record.args)
            record.route = route
            # Django logs a 404 or 500 after the middleware has finished: take the id here.
            record.request_id = getattr(request, "request_id", None)
        record.request = None
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            # A malformed call must not break the caller; its template is safe to show.
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info:
            record.exc_text = _traceback_without_messages(record.exc_info)
            record.exc_info = None
        if getattr(record, "request_id", None) is None:
            record.request_id = _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, default=str, ensure_ascii=False)


request_logger = logging.getLogger("lindungi.request")


class RequestLogMiddleware:
    """One line per request. Directly after RequestIdMiddleware, so it times everything."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        token = _request_id.set(getattr(request, "request_id", None))
        try:
            response = self.get_response(request)
            user = getattr(request, "user", None)
            membership = getattr(request, "membership", None)
            request_logger.info(
                "request",
                extra={
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                    "unit_id": membership.unit_id if membership else None,
                    "role": membership.role if membership else None,
                    "route": _route(request),
                    "method": request.method,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            _request_id.reset(token)


class PersonalDataReporterFilter(SafeExceptionReporterFilter):
    """Error reports (the debug page, e-mailed reports) show no form values or variables.

    Django hides only what a view marks with @sensitive_post_parameters; here every value
    of every form is personal until proven otherwise, in debug too.
    """

    def is_active(self, request):
        return True

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return {name: self.cleansed_substitute for name in request.POST}

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]
