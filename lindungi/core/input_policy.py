"""One policy for the text people and clients send: UTF-8 only, and no control characters.

Control characters are the C0 ones but tab, line feed and carriage return, and DEL. NUL is
refused by PostgreSQL in text (a 500 there, stored on SQLite) and the others are never
typed by a person; neither means anything in a name or a narrative. They are refused, not
stripped, so that nothing a person sent is changed without a word.

Where the policy is applied, in one place for every form and one for every API schema:

- Form posts: ``FormInputMiddleware`` checks them before the view runs and refuses the
  whole request with 400 and a page that says why; no view runs, so nothing changes. A
  urlencoded body is read raw and must be UTF-8 once percent-decoded (Django would quietly
  turn other bytes into U+FFFD and store them). A multipart body has already been parsed
  by the CSRF check, which decodes its text leniently: there U+FFFD is what undecodable
  bytes became, and is refused too.
- Views exempt from the CSRF middleware read their body themselves, and the middleware
  leaves it to them: the attachment upload must put its size-limiting, memory-only upload
  handler in place before anything parses the upload, so its text field carries
  ``validate_text``; the API keeps its errors in its one JSON shape, its schemas refuse
  control characters in every field (422, the field named) and a body that is not UTF-8
  JSON is a 400 ``malformed_body``.
"""

import re
from urllib.parse import parse_qsl

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_MESSAGE = _("Text cannot contain control characters such as NUL.")
NOT_UTF8_MESSAGE = _("Some characters could not be read. Please type this again.")
URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
CHECKED_METHODS = {"POST", "PUT", "PATCH"}


def holds_control_characters(value: object) -> bool:
    """Whether ``value``, or any text inside a list or dict of it, holds a control character."""
    if isinstance(value, str):
        return CONTROL_CHARACTERS.search(value) is not None
    if isinstance(value, list | tuple):
        return any(holds_control_characters(item) for item in value)
    if isinstance(value, dict):
        return any(holds_control_characters(item) for item in (*value, *value.values()))
    return False


def validate_text(value):
    """For text fields of forms Django decodes itself (multipart): no control characters,
    and no U+FFFD, which is what bytes that were not UTF-8 became."""
    if holds_control_characters(value):
        raise ValidationError(CONTROL_MESSAGE, code="control_characters")
    if "\ufffd" in value:  # what bytes that were not UTF-8 became
        raise ValidationError(NOT_UTF8_MESSAGE, code="encoding")


def _problem(values):
    if holds_control_characters(values):
        return CONTROL_MESSAGE
    if any("\ufffd" in value for value in values):
        return NOT_UTF8_MESSAGE
    return None


def form_post_problem(request):
    """What is wrong with the text of a form post under the policy (a message), or None."""
    if request.content_type == URLENCODED:
        try:
            pairs = parse_qsl(
                request.body.decode("utf-8"),
                keep_blank_values=True,
                encoding="utf-8",
                errors="strict",
            )
        except (UnicodeDecodeError, ValueError):
            return NOT_UTF8_MESSAGE
        return _problem([text for pair in pairs for text in pair])
    if request.content_type == MULTIPART:
        return _problem(
            [*request.POST, *(v for k in request.POST for v in request.POST.getlist(k))]
        )
    return None


class FormInputMiddleware:
    """Refuses a form post whose text breaks the policy, before its view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        if request.method not in CHECKED_METHODS or getattr(view, "csrf_exempt", False):
            return None
        problem = form_post_problem(request)
        if problem is None:
            return None
        # A view may answer the refusal in its own frame (the public pages keep their quick
        # exit); it gets the problem and must answer 400 without acting.
        refuse = getattr(view, "input_refusal", None)
        if refuse is not None:
            return refuse(request, problem)
        return render(request, "400_input.html", {"problem": problem}, status=400)
