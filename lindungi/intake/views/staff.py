"""The staff intake form, for a call-taker on a keyboard, and the officer's drafts.

Nothing typed is lost: "Save draft" (and the htmx autosave, which posts the same form to
the same address) keeps every valid field and names the invalid ones, which stay in the
form as typed. "Send to triage" saves the same way and then submits. A form posted twice
(double click, a retry after a lost answer, autosave racing a click) is one report: the
form carries a token drawn when it was first shown, the key (``lindungi.core.once``) under
which the first save creates the draft; once the draft exists, the form names it.
"""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lindungi.audit.events import record_read
from lindungi.cases.actions import StaleVersion
from lindungi.core.htmx import render_page
from lindungi.core.once import Replayed, SubmitOnce
from lindungi.intake import actions
from lindungi.intake.access import Need, get_report_for
from lindungi.intake.actions import PERSON_FIELDS, REPORT_FIELDS
from lindungi.intake.forms import (
    DEFAULT_CHANNEL,
    PeopleFormSet,
    StaffReportForm,
    kelurahan_groups,
)
from lindungi.intake.models import Channel, Report, ReportStatus
from lindungi.intake.views import intake_view

PEOPLE_PREFIX = "people"
# The new-report form's scope in lindungi.core.once: its token names the draft it creates.
DRAFT_SCOPE = "intake.draft"
# The autosave list of regions answers at most this many kelurahan.
REGION_OPTIONS_MAX = 100


def _initial(unit, report):
    """The form's starting values: the draft's, or for a new report the officer's unit's."""
    if report is None:
        points = list(unit.service_points.filter(is_active=True)[:2])
        return {
            "channel": DEFAULT_CHANNEL.get(unit.type, Channel.PHONE),
            "service_point": points[0] if len(points) == 1 else None,
        }
    return {name: getattr(report, name) for name in REPORT_FIELDS}


def _people_initial(report):
    if report is None:
        return []
    return [{name: getattr(p, name) for name in PERSON_FIELDS} for p in report.people.all()]


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _valid_fields(form):
    """What can be kept now: every field that cleaned without error."""
    return {
        name: form.cleaned_data[name]
        for name in REPORT_FIELDS
        if name in form.cleaned_data and name not in form.errors
    }


def _valid_people(formset):
    """The people as typed, each with its valid fields; None when the formset itself is
    broken (then the stored people are left as they are)."""
    if not formset.management_form.is_valid() or formset.non_form_errors():
        return None
    people = []
    for form in formset.forms:
        form.is_valid()
        if not form.has_changed() or form.cleaned_data.get("DELETE"):
            continue
        people.append(
            {
                name: form.cleaned_data[name]
                for name in PERSON_FIELDS
                if name in form.cleaned_data and name not in form.errors
            }
        )
    return people


def _unchanged(report, form, data, people):
    """Nothing new to keep: the autosave then answers without writing (no version bump,
    no audit row, and no empty draft from a form nobody has typed in yet)."""
    if report is None:
        return not form.has_changed() and not people
    if any(getattr(report, name) != value for name, value in data.items()):
        return False
    if people is None:
        return True
    stored = [{name: getattr(p, name) for name in PERSON_FIELDS} for p in report.people.all()]
    return len(stored) == len(people) and all(
        all(old.get(name) == value for name, value in new.items())
        for old, new in zip(stored, people, strict=True)
    )


def draft_once(user, token):
    """The key of the form that creates a draft: its token, the officer's own."""
    return SubmitOnce(
        DRAFT_SCOPE,
        str(user.pk),
        str(token),
        answer=lambda report: {"report": str(report.pk)},
    )


def _existing(request, report_id, token):
    """The draft this post is about: by its address, by the form's ``report`` field (set
    once the draft exists), else by the form's token (a twin post of the first save)."""
    report_id = report_id or _uuid(request.POST.get("report"))
    if report_id is None and token is not None:
        made = draft_once(request.user, token).earlier()
        report_id = made and made["report"]
    if report_id is None:
        return None
    return get_report_for(request.user, report_id, request=request)


def _save(request, report, data, people, version, token):
    """save_draft, once more as an update if a twin post created the draft meanwhile."""
    try:
        return actions.save_draft(
            request.user,
            request.unit,
            data,
            people,
            report=report,
            version=version,
            once=None if report or token is None else draft_once(request.user, token),
            request=request,
        )
    except Replayed as earlier:
        twin = get_report_for(request.user, earlier.outcome["report"], request=request)
        if twin.status != ReportStatus.DRAFT:
            raise StaleVersion(twin) from None
        return actions.save_draft(
            request.user, request.unit, data, people, report=twin, request=request
        )


def _sent(request, report):
    """To the sent page. An autosave (htmx) learns of it too: the browser goes there."""
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("intake:sent", kwargs={"report_id": report.pk})
        return response
    return redirect("intake:sent", report_id=report.pk)


def _render_form(request, form, formset, report, token, status=None, notice=None):
    return render_page(
        request,
        "intake/staff_report_form.html",
        {
            "form": form,
            "people": formset,
            "report": report,
            "token": token,
            "version": report.version if report else "",
            "notice": notice,
            "errors": _error_list(form, formset),
        },
        status=status,
    )


def _error_list(form, formset):
    """(anchor, label, message) for the error summary, people included."""
    rows = [("", "", e) for e in form.non_field_errors()]
    for field in form:
        rows += [(_anchor(field), field.label, e) for e in field.errors]
    rows += [("", "", e) for e in formset.non_form_errors()]
    for number, person in enumerate(formset.forms, start=1):
        for field in person:
            label = _("Person %(number)s: %(field)s") % {"number": number, "field": field.label}
            rows += [(_anchor(field), label, e) for e in field.errors]
    return rows


def _anchor(field):
    # Radio and checkbox groups have no single control: point at the first choice.
    return field.id_for_label or f"{field.auto_id}_0"


def _status(request, report, text, problems=()):
    """The autosave's answer: a line for the status region, and the form's new version."""
    return render(
        request,
        "intake/staff_autosave.html",
        {"report": report, "text": text, "problems": problems},
    )


@intake_view
@require_http_methods(["GET", "POST"])
def new_report(request):
    return _report_form(request, None)


@intake_view
@require_http_methods(["GET", "POST"])
def edit_draft(request, report_id):
    report = get_report_for(request.user, report_id, request=request)
    if report.status != ReportStatus.DRAFT:
        return _sent(request, report)
    if request.method == "GET":
        record_read(request, report)  # the draft holds what the caller told us
    return _report_form(request, report)


def _report_form(request, report):
    if request.method == "GET":
        return _draft_form(request, report)
    token = _uuid(request.POST.get("token"))
    report = _existing(request, report.pk if report else None, token)
    if report is not None and report.status != ReportStatus.DRAFT:
        # Already sent (a second "Send", or the same form posted again): the one report.
        return _sent(request, report)
    action = request.POST.get("action", "save")
    form, formset, data, people = _posted(request, report, action)
    version = _token_int(request.POST.get("version"))

    unchanged = _unchanged(report, form, data, people)
    if request.htmx and unchanged:
        return HttpResponse(status=204)
    if report is None and "channel" not in data:
        data["channel"] = DEFAULT_CHANNEL.get(request.unit.type, Channel.PHONE)
    try:
        if report is None or not unchanged:
            report = _save(request, report, data, people, version, token)
    except StaleVersion as stale:
        return _saved_elsewhere(request, stale.current, form, formset, token)
    except ValidationError as error:
        return _not_saved(request, error, form, formset, report, token)
    return _after_saving(request, action, form, formset, report, token)


def _draft_form(request, report):
    """The form, empty or with the draft so far, and a token to find its draft again."""
    unit = request.unit
    form = StaffReportForm(unit=unit, initial=_initial(unit, report))
    formset = PeopleFormSet(prefix=PEOPLE_PREFIX, initial=_people_initial(report))
    token = uuid.uuid4()
    return _render_form(request, form, formset, report, token)


def _posted(request, report, action):
    """The posted form and people, checked, with what of them is valid: (form, formset,
    the valid fields, the valid people). "Add a person" adds an empty row."""
    unit = request.unit
    form = StaffReportForm(request.POST, unit=unit, initial=_initial(unit, report))
    formset = PeopleFormSet(request.POST, prefix=PEOPLE_PREFIX)
    form.is_valid()
    formset.is_valid()
    data = _valid_fields(form)
    people = _valid_people(formset)
    if action == "add_person":
        formset = _with_one_more(request.POST)
    return form, formset, data, people


def _saved_elsewhere(request, current, form, formset, token):
    """The draft changed meanwhile: sent, or saved from another window or by a colleague,
    whose version is not overwritten; what this user typed stays on the form."""
    if current.status != ReportStatus.DRAFT:
        return _sent(request, current)
    notice = _(
        "This draft was saved from another window or by a colleague meanwhile. What you "
        "typed is still here: save again to keep your version."
    )
    if request.htmx:
        return _status(request, None, notice)
    return _render_form(request, form, formset, current, token, status=409, notice=notice)


def _not_saved(request, error, form, formset, report, token):
    """The action refused what was typed: its reasons shown at their fields."""
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)
    if request.htmx:
        return _status(request, report, _("Not saved."), _error_list(form, formset))
    return _render_form(request, form, formset, report, token)


def _after_saving(request, action, form, formset, report, token):
    """The answer once the draft is kept: the autosave's status line, the sending, the
    form again (with what is still wrong, or a new person's row), or the saved draft."""
    problems = _error_list(form, formset)
    saved_at = formats.time_format(timezone.localtime(), "H:i")
    if request.htmx:
        text = _("Draft saved at %(time)s.") % {"time": saved_at}
        return _status(request, report, text, problems)
    if action == "send":
        return _send(request, form, formset, report, token)
    if problems:
        notice = _("Draft saved at %(time)s, except the fields marked below.") % {"time": saved_at}
        return _render_form(request, form, formset, report, token, notice=notice)
    if action == "add_person":
        return _render_form(request, form, formset, report, token)
    messages.success(request, _("Draft saved at %(time)s.") % {"time": saved_at})
    return redirect("intake:draft", report_id=report.pk)


def _send(request, form, formset, report, token):
    """Send the saved draft if everything sending needs is there."""
    form.require_for_sending()
    if form.errors or formset.total_error_count():
        notice = _("Not sent yet: the draft is saved; complete the fields marked below.")
        return _render_form(request, form, formset, report, token, notice=notice)
    try:
        report = actions.submit_report(request.user, report, report.version, request=request)
    except StaleVersion as stale:
        report = stale.current
    return _sent(request, report)


def _with_one_more(post):
    """The people as posted plus an empty row: "Add a person" without JavaScript."""
    post = post.copy()
    total = f"{PEOPLE_PREFIX}-TOTAL_FORMS"
    count = _token_int(post.get(total)) or 0
    post[total] = str(min(count + 1, PeopleFormSet.absolute_max))
    return PeopleFormSet(post, prefix=PEOPLE_PREFIX)


def _token_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@intake_view
@require_GET
def sent(request, report_id):
    """After "Send": the reference, large enough to read over the phone, risk and due time."""
    report = get_report_for(request.user, report_id, request=request)
    if report.status == ReportStatus.DRAFT:
        return redirect("intake:draft", report_id=report.pk)
    return render_page(request, "intake/staff_sent.html", {"report": report})


@intake_view
@require_GET
def my_drafts(request):
    mine = Report.objects.restrict(request.user, Need.DRAFT, request.membership)
    rows = mine.filter(received_by=request.user).order_by("-updated_at")
    return render_page(request, "intake/staff_drafts.html", {"drafts": rows[:100]})


@intake_view
@require_GET
def kelurahan_options(request):
    """Options for the kelurahan list, narrowed by a kelurahan's or kecamatan's name.

    A GET is fine here: region names are public, not personal data.
    """
    query = request.GET.get("q", "")[:100]
    province = request.unit.region_id.split(".")[0]
    groups = kelurahan_groups(province, query, limit=REGION_OPTIONS_MAX)
    selected = request.GET.get("kelurahan", "")
    return render(
        request,
        "intake/staff_kelurahan_options.html",
        {"groups": groups, "selected": selected},
    )


urlpatterns = [
    path("baru/", new_report, name="new"),
    path("draf/", my_drafts, name="drafts"),
    path("draf/<uuid:report_id>/", edit_draft, name="draft"),
    path("<uuid:report_id>/terkirim/", sent, name="sent"),
    path("wilayah/", kelurahan_options, name="kelurahan_options"),
]
