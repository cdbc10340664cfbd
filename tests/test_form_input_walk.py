"""Every text field of every form a page posts, walked with what the input policy
(``lindungi.core.input_policy``) refuses, on the database the suite runs on (SQLite, and
PostgreSQL in the second pass).

Nothing is listed by hand. The forms are found as the date fuzz finds them
(``tests.page_forms``): every page of the URL resolver, ids filled from the fully filled
world of the edit round trip, opened by the public and by an intake officer and a
supervisor (who sees what a case worker sees, and the supervisor's forms). Each form is
posted as the browser would send it, with one text input or textarea at a time set to text
holding a control character (NUL, SOH, ESC, DEL, in turn) and once to bytes that are not
UTF-8 (a raw 0xFF, an encoded surrogate, Latin-1, in turn); a multipart form (an upload)
as multipart, with a file. The answer is the refusal page, in Indonesian, and nothing is
stored: the database is compared around each form. The attachment upload reads its own
body (it is exempt from the CSRF middleware, and so from the policy's) and refuses beside
its field instead.

Then every text field (``CharField``) of every form class of the project must have been
walked on some page, or be listed in ``NOT_ON_A_WALKED_PAGE`` with the reason; and every
form a view exempt from the middleware may use must carry the policy's own validator.
"""

import inspect
import sys
from datetime import timedelta
from urllib.parse import quote, urlencode, urlsplit

import pytest
import time_machine
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import encode_multipart
from django.urls import resolve, reverse

from lindungi.accounts.roles import Role
from lindungi.cases.actions import break_glass
from lindungi.cases.models import Case
from lindungi.casework import actions as work
from lindungi.core.input_policy import validate_text
from lindungi.intake import actions as intake
from lindungi.intake.models import Report
from tests.cases.factories import make_case
from tests.db_state import changed_models, state
from tests.login import authenticator_for, log_in
from tests.page_forms import browsers, form_classes, pages, posted_forms
from tests.personas import _user
from tests.test_edit_round_trip import EDITED, personas, world

__all__ = ["personas", "world"]  # the module's fixtures, imported for pytest
pytestmark = pytest.mark.django_db

# And an anonymous one; the partner officer answers the world's referral.
BROWSERS = ("intake_officer", "supervisor_a", "partner_officer")
MULTIPART = "multipart/form-data"
BOUNDARY = "WaLkBoUnDaRy"
# As they travel: percent-encoded in a urlencoded body, raw in a multipart one.
CONTROLS = [b"Siti\x00Aminah", b"Siti\x01", b"Siti\x1b[31m", b"Siti\x7f"]
NOT_UTF8 = [b"Siti \xff\xfe", b"Siti \xed\xa0\x80", "Kebayoran caf\xe9".encode("latin-1")]
# The refusal page, in Indonesian.
CONTROL_PAGE = "karakter kendali"
NOT_UTF8_PAGE = "Beberapa karakter tidak dapat dibaca"
NOTHING_SAVED = "Tidak ada yang disimpan"
# Django's CSRF token: with the check on (a browser's post), a changed token is refused by
# the CSRF middleware before the policy, with its own page.
NOT_WALKED_INPUTS = {"csrfmiddlewaretoken"}
# Text fields of form classes that no walked page shows, and why. The middleware checks
# every post to a view that is not exempt from it, whatever its form (see the last test).
NOT_ON_A_WALKED_PAGE = {
    ("lindungi.casework.forms.notes.TaskDoneForm", "task"): "the task list writes its done "
    "buttons out by hand, not from a form in its context: their inputs are walked as the "
    "task list's form (cases:task_done)",
    ("lindungi.intake.forms.LinkCaseForm", "case"): "a choice among the cases a search found",
    ("lindungi.intake.forms.CandidateSearchForm", "kelurahan"): "a list to choose from",
    ("lindungi.intake.forms.StaffReportForm", "kelurahan"): "a list to choose from",
    # The safe house's own forms show only to its staff, who are not among this walk's
    # browsers; the middleware's policy refuses their posts as any other's.
    ("lindungi.shelter.forms.DeclineForm", "reason"): "the house's staff's form",
    ("lindungi.shelter.forms.CheckOutForm", "reason"): "the house's staff's form",
    ("lindungi.shelter.forms.StayRecordForm", "note"): "the house's staff's form",
    ("lindungi.shelter.forms.CancelForm", "reason"): "shown only while a request waits for "
    "a house: the walked world's placement is accepted",
    ("lindungi.shelter.forms.VisitorForm", "name"): "the house's staff's form",
    ("lindungi.shelter.forms.VisitorForm", "relationship"): "the house's staff's form",
    ("lindungi.referrals.forms.DeclineForm", "reason"): "shown only while a referral waits "
    "for its answer: the walked world's referral is accepted (its progress and outcome forms "
    "are walked)",
    ("lindungi.referrals.forms.ReviewForm", "note"): "shown only on a referral sent by an "
    "emergency override, to a supervisor who did not send it: the walked world has none",
}


def _refused(response, expected, exempt):
    """What is wrong with the answer to a post that breaks the policy, or None."""
    page = response.content.decode()
    if exempt:  # refused by the form itself, beside the field
        return None if expected in page else f"{response.status_code} without the message"
    if response.status_code != 400 or expected not in page or NOTHING_SAVED not in page:
        return f"{response.status_code}, not the refusal page"
    if response["Content-Language"] != "id":
        return f"in {response['Content-Language']}"
    return None


def _urlencoded(data, name, raw):
    """``data`` urlencoded with ``name`` set to the bytes ``raw``, percent-encoded."""
    rest = urlencode({k: v for k, v in data.items() if k != name}, doseq=True)
    return f"{rest}&{quote(name)}={quote(raw)}"


def _multipart(data, files, name, raw):
    """``data`` and a small file in each of ``files`` as multipart, ``name`` as ``raw``."""
    marker = "BAD-TEXT-GOES-HERE"
    uploads = {
        file: SimpleUploadedFile("note.txt", b"A plain text note.", content_type="text/plain")
        for file in files
    }
    body = encode_multipart(BOUNDARY, {**data, name: marker, **uploads})
    return body.replace(marker.encode(), raw)


def _post(browser, found, name, raw):
    data = found.form.data()
    if found.form.enctype == MULTIPART:
        body = _multipart(data, found.form.files, name, raw)
        return browser.post(found.target, body, f"{MULTIPART}; boundary={BOUNDARY}")
    body = _urlencoded(data, name, raw)
    return browser.post(found.target, body, "application/x-www-form-urlencoded")


def _distinct(found):
    """One of each form: the same fields posted to the same address are the same form."""
    seen = {}
    for each in found:
        seen.setdefault((each.target, frozenset(each.form.texts)), each)
    return list(seen.values())


def _walk_form(browser, found, turn):
    """Post ``found`` once for each text input with a control character and once with
    bytes that are not UTF-8; the problems found, and how many texts were walked."""
    exempt = getattr(resolve(urlsplit(found.target).path).func, "csrf_exempt", False)
    problems = []
    for name in sorted(found.form.texts - NOT_WALKED_INPUTS):
        turn += 1
        for raw, expected in (
            (CONTROLS[turn % 4], CONTROL_PAGE),
            (NOT_UTF8[turn % 3], NOT_UTF8_PAGE),
        ):
            problem = _refused(_post(browser, found, name, raw), expected, exempt)
            if problem:
                problems.append(f"{found.who} {found.target} {name}={raw!r}: {problem}")
    return problems, turn


def _walked(found):
    """(form class, field) of every text input of ``found``: a form's field, or a
    formset's (``people-0-name``), the classes a form is made of included."""
    classes = {c for form in found.classes for c in form.__mro__ if issubclass(c, forms.BaseForm)}
    return {
        (f"{form.__module__}.{form.__name__}", name.rsplit("-", 1)[-1])
        for form in classes
        for name in found.form.texts
        if name.rsplit("-", 1)[-1] in getattr(form, "base_fields", {})
    }


def _text_fields():
    """(form class, field) of every text field of every form class of the project."""
    return {
        (f"{form.__module__}.{form.__name__}", name)
        for form in form_classes()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.CharField)
    }


def _case_work_pages(personas):
    """The pages of a case with a plan to send for approval and a service still open, and
    of a closed case."""
    worker, supervisor = personas.case_worker_a, personas.supervisor_a
    working, closed = make_case(personas, "a"), make_case(personas, "a")
    work.save_plan(worker, working, None, "To be safe at home.")
    service = {"type": "health", "provider_name": "RSUD", "due_on": EDITED.date()}
    work.add_service(worker, working, service)
    closure = work.request_closure(worker, closed, "needs_met", "Done")
    work.decide_approval(supervisor, closure.approval, "approved")
    return [
        reverse("cases:plan", args=[working.pk]),
        reverse("cases:close_case", args=[working.pk]),
        reverse("cases:reopen_case", args=[closed.pk]),
    ]


def _more_pages(personas, world):
    """{browser: pages} beyond the world's: the forms of states it does not hold (a report
    received for triage, a break-glass use to review, a plan to send, a service open, a
    closed case), of the login's second step and of the admin site."""
    officer, draft = personas.intake_officer, world[Report]
    data = {"channel": draft.channel, "service_point": draft.service_point, "what_happened": "x"}
    report = intake.save_draft(officer, personas.call_centre, data, [])
    report = intake.submit_report(officer, report, report.version)
    break_glass(personas.supervisor_b, world[Case], "A survivor called the unit B line.")
    reviewer = _user("reviewer", personas.unit_b, Role.SUPERVISOR)  # another supervisor
    responder, outsider = personas.responder, personas.outsider
    authenticator_for(responder)
    return {
        "intake_officer": sorted(set(pages({**world, Report: report})) - set(pages(world))),
        reviewer: [reverse("cases:break_glass_reviews")],
        "supervisor_a": _case_work_pages(personas),
        "administrator": [
            reverse("admin:accounts_user_add"),
            reverse("admin:accounts_user_change", args=[outsider.pk]),
            reverse("admin:places_servicepoint_add"),
            reverse("admin:referrals_provider_add"),
        ],
        # Password given, second factor not yet: with an authenticator, and without.
        "responder": [reverse("accounts:mfa_verify"), reverse("accounts:mfa_recover")],
        "outsider": [reverse("accounts:mfa_enrol")],
    }


def _found(personas, world):
    """Every form the walk posts, and the browser that opened each (by name)."""
    logged_in = browsers(personas, BROWSERS)
    found = posted_forms(logged_in, pages(world))
    for who, urls in _more_pages(personas, world).items():
        user, name = (getattr(personas, who), who) if isinstance(who, str) else (who, "reviewer")
        if name not in logged_in:
            logged_in[name] = Client()
            if who in {"responder", "outsider"}:
                logged_in[name].force_login(user)
            else:
                log_in(logged_in[name], user)
        found += posted_forms({name: logged_in[name]}, urls)
    return logged_in, _distinct(found)


def test_every_text_of_every_form_is_held_to_the_input_policy(personas, world, indonesian):
    with time_machine.travel(EDITED, tick=False):
        logged_in, found = _found(personas, world)
    failures, walked, turn = [], set(), 0
    before = state()
    # Some seconds after the page was opened: the public form's robot check.
    with time_machine.travel(EDITED + timedelta(seconds=30), tick=False):
        for each in found:
            problems, turn = _walk_form(logged_in[each.who], each, turn)
            failures += problems
            walked |= _walked(each)
            after = state()
            if changed := changed_models(before, after):
                failures.append(f"{each.who} {each.target}: changed {changed}")
            before = after
    assert failures == [], "\n".join(failures)
    unwalked = _text_fields() - walked - set(NOT_ON_A_WALKED_PAGE)
    assert not unwalked, "\n".join(map(str, sorted(unwalked)))


def _exempt_views():
    """Every view of the project exempt from the CSRF middleware, and so from the policy's."""
    form_classes()  # every module imported
    return [
        value
        for module in list(sys.modules.values())
        if getattr(module, "__name__", "").startswith("lindungi.")
        for value in vars(module).values()
        if callable(value) and getattr(value, "csrf_exempt", False)
    ]


def test_every_form_a_view_reads_itself_carries_the_policy():
    """A view exempt from the CSRF middleware is exempt from the policy's too: every text
    field of every form its module holds (which forms the view posts cannot be read from
    the code) must carry ``validate_text``. Every other form is posted to a view the
    middleware checks."""
    exempt = _exempt_views()
    assert exempt, "the attachment upload reads its own body"
    unchecked = []
    for view in exempt:
        module = inspect.getmodule(inspect.unwrap(view))
        for form in set(form_classes()) & {v for v in vars(module).values() if isinstance(v, type)}:
            for name, field in form.base_fields.items():
                if isinstance(field, forms.CharField) and validate_text not in field.validators:
                    unchecked.append(f"{form.__module__}.{form.__name__}.{name}")
    assert unchecked == []
