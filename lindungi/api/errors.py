"""One JSON error body for every refusal, in the user's language.

``{"error": "<stable code>", "detail": "<sentence>", "errors": {"<field>": ["<sentence>"]}}``

``error`` is for programs, ``detail`` and ``errors`` for people. Nothing a client sent is
ever echoed back: the messages are ours, chosen by the kind of error, never pydantic's or
Django's text with the submitted value in it (docs/architecture.md, rules 3 and 8).
"""

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from lindungi.api import scope
from lindungi.cases.actions import StaleVersion
from lindungi.core.input_policy import CONTROL_MESSAGE

NON_FIELD = "__all__"
# Seconds a client should wait before retrying when the database cannot be reached.
RETRY_AFTER = 5
log = logging.getLogger("lindungi.api")


class ErrorOut(Schema):
    error: str
    detail: str
    errors: dict[str, list[str]] = {}


class PreconditionRequired(Exception):
    """An update came without ``If-Match``: the API never overwrites blindly."""


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    code: str,
    detail: str,
    errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    body = {"error": code, "detail": str(detail), "errors": errors or {}}
    return api.create_response(request, body, status=status)


def install(api: NinjaAPI) -> None:
    """Register the handlers on ``api`` (replacing django-ninja's English defaults)."""
    for exc_class, handler in HANDLERS:
        api.add_exception_handler(exc_class, partial(handler, api))


def not_found(api: NinjaAPI, request: HttpRequest, exc: Exception) -> HttpResponse:
    # Out of scope and missing look the same (docs/architecture.md, access model).
    return error_response(api, request, 404, "not_found", _("Not found."))


def _in_scope(request: HttpRequest) -> bool:
    try:
        scope.check_path(request)
    except Http404:
        return False
    return True


def not_authenticated(
    api: NinjaAPI, request: HttpRequest, exc: AuthenticationError
) -> HttpResponse:
    return error_response(
        api,
        request,
        401,
        "not_authenticated",
        _("Log in and confirm your second factor to use the API."),
    )


def throttled(api: NinjaAPI, request: HttpRequest, exc: Throttled) -> HttpResponse:
    return error_response(api, request, 429, "throttled", _("Too many requests. Try again later."))


def http_error(api: NinjaAPI, request: HttpRequest, exc: HttpError) -> HttpResponse:
    # django-ninja raises these itself: 400 for a body it cannot parse, 403 for CSRF.
    if exc.status_code == 400:
        if not _in_scope(request):
            return not_found(api, request, exc)
        return error_response(
            api, request, 400, "malformed_body", _("The request body is not valid JSON.")
        )
    if exc.status_code == 403:
        return error_response(
            api,
            request,
            403,
            "csrf_failed",
            _("The CSRF check failed. Send the X-CSRFToken header with the CSRF cookie."),
        )
    return error_response(api, request, exc.status_code, "error", _("The request failed."))


def invalid_request(api: NinjaAPI, request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    if not _in_scope(request):
        return not_found(api, request, exc)
    return invalid(api, request, schema_errors(exc.errors))


def invalid_record(api: NinjaAPI, request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return invalid(api, request, django_errors(exc))


def precondition_required(
    api: NinjaAPI, request: HttpRequest, exc: PreconditionRequired
) -> HttpResponse:
    return error_response(
        api,
        request,
        428,
        "precondition_required",
        _("Send the record's ETag in an If-Match header: updates never overwrite blindly."),
    )


def stale(api: NinjaAPI, request: HttpRequest, exc: StaleVersion) -> HttpResponse:
    response = error_response(
        api,
        request,
        412,
        "stale_version",
        _("Someone else changed this record meanwhile. Fetch it again and redo the change."),
    )
    response["ETag"] = f'"{exc.current.version}"'
    return response


def too_large(api: NinjaAPI, request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
    return error_response(
        api,
        request,
        413,
        "too_large",
        _("The request body is larger than %(limit)s KB.") % {"limit": f"{limit:,}"},
    )


def unavailable(api: NinjaAPI, request: HttpRequest, exc: DatabaseError) -> HttpResponse:
    # The database is down, restarting, or ended this connection: nothing was kept,
    # and the client should retry (with the same Idempotency-Key where it has one).
    # The exception's text may quote the statement, so only its kind is logged.
    log.error("database unavailable: %s", type(exc).__name__)
    response = error_response(
        api,
        request,
        503,
        "unavailable",
        _("The service cannot reach its database just now. Nothing was saved. Try again."),
    )
    response["Retry-After"] = str(RETRY_AFTER)
    return response


# Which handler answers which exception (and its subclasses).
HANDLERS: list[tuple[type[Exception], Callable[[NinjaAPI, HttpRequest, Any], HttpResponse]]] = [
    (PermissionDenied, not_found),
    (Http404, not_found),
    (AuthenticationError, not_authenticated),
    (Throttled, throttled),
    (HttpError, http_error),
    (NinjaValidationError, invalid_request),
    (DjangoValidationError, invalid_record),
    (PreconditionRequired, precondition_required),
    (StaleVersion, stale),
    (RequestDataTooBig, too_large),
    (InterfaceError, unavailable),
    (OperationalError, unavailable),
]


def invalid(api: NinjaAPI, request: HttpRequest, errors: dict[str, list[str]]) -> HttpResponse:
    return error_response(
        api, request, 422, "invalid", _("Some details are not valid. See the errors."), errors
    )


def _message(error: dict[str, Any]) -> str:
    """Our sentence for a pydantic error type; never pydantic's, which may quote the input."""
    kind = error["type"]
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("Unknown field.")
    if kind == "control_characters":
        return str(CONTROL_MESSAGE)
    if kind in {"enum", "literal_error"}:
        return _("Choose from the list.")
    return _limit_message(kind, error.get("ctx") or {}) or _kind_message(kind)


def _limit_message(kind: str, ctx: dict[str, Any]) -> str | None:
    """The sentence for a value past a schema's limit, naming the limit; None for others."""
    if kind == "string_too_long":
        return _("Keep this to at most %(limit)s characters.") % {"limit": ctx.get("max_length")}
    if kind in {"greater_than_equal", "greater_than"}:
        return _("Enter a number of at least %(limit)s.") % {"limit": ctx.get("ge", ctx.get("gt"))}
    if kind in {"less_than_equal", "less_than"}:
        return _("Enter a number of at most %(limit)s.") % {"limit": ctx.get("le", ctx.get("lt"))}
    return None


def _kind_message(kind: str) -> str:
    """The sentence for a value of the wrong kind (a number, a date, an object...)."""
    if kind.startswith("int_"):
        return _("Enter a whole number.")
    if kind.startswith("bool_"):
        return _("Answer true or false.")
    if kind.startswith("date"):
        return _("Enter a date as YYYY-MM-DD.")
    if kind.startswith("uuid"):
        return _("Enter a valid id.")
    if kind.startswith("string_"):
        return _("Enter text.")
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return _("Send a JSON object.")
    if kind == "list_type":
        return _("Send a list.")
    return _("Enter a valid value.")


def schema_errors(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    """django-ninja's error list -> {field: [messages]}.

    A location is (source, parameter, field, ...): a body sent as one schema is
    ("body", "payload", "sex"); the body itself missing or not an object is ("body",
    "payload"), reported as a non-field error.
    """
    result: dict[str, list[str]] = {}
    for error in errors:
        loc = [part for part in error["loc"] if isinstance(part, str)]
        field = loc[2] if loc[0] == "body" and len(loc) > 2 else NON_FIELD
        if loc[0] != "body" and len(loc) > 1:
            field = loc[1]
        result.setdefault(field, [])
        message = _message(error)
        if message not in result[field]:
            result[field].append(message)
    return result


def django_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    """An action's ValidationError -> {field: [messages]}.

    The actions' own messages never carry values; Django's built-in ones may (an invalid
    choice quotes it), so any message with a ``value`` parameter is replaced.
    """
    source = exc.error_dict if hasattr(exc, "error_dict") else {NON_FIELD: exc.error_list}
    result: dict[str, list[str]] = {}
    for field, error_list in source.items():
        messages = []
        for error in error_list:
            if isinstance(error.params, dict) and "value" in error.params:
                messages.append(_("Enter a valid value."))
            else:
                messages.extend(error.messages)
        result[field] = messages
    return result
