"""Case notes: the list on the case and the form that adds one, or corrects an old one.

A note is never edited or deleted: there is no route for it, and the model refuses a
second save. A correction is a new note that points to the old one; the list shows the
link both ways. Notes are case content, so every page that shows them is audited.

The case page loads this list as an htmx fragment into its ``#case-notes`` section (a
plain link to the page is the fallback without JavaScript); ``embedded(request, ...)``
tells the two answers apart.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lindungi.audit.events import record
from lindungi.cases.access import Need, get_case_for
from lindungi.cases.views.edits import _add as add_once
from lindungi.casework import actions as work
from lindungi.casework.forms.notes import NoteForm
from lindungi.casework.models import CaseNote
from lindungi.core.htmx import render_page

EMBEDDED_NOTES = 5
CORRECTS_PARAMETER = "koreksi"


def embedded(request, target):
    """True when the case page asks for the section ``target`` through htmx."""
    htmx = getattr(request, "htmx", False)
    return bool(htmx) and htmx.target == target


def posted(request):
    """The form data of a POST (bound even when empty, so it shows what is missing)."""
    return request.POST if request.method == "POST" else None


def need_for(request):
    return Need.EDIT if request.method == "POST" else Need.VIEW


def _notes(case):
    return case.notes.select_related("author", "corrects").prefetch_related(
        Prefetch("corrections", queryset=CaseNote.objects.order_by("created_at"))
    )


def _correcting(case, request):
    """The note a correction points to: the link's ``?koreksi=`` or the posted form's."""
    try:
        pk = uuid.UUID(request.GET.get(CORRECTS_PARAMETER) or request.POST.get("corrects") or "")
    except ValueError:
        return None
    return case.notes.filter(pk=pk).select_related("author").first()


@login_required
@require_http_methods(["GET", "POST"])
def notes(request, case_id):
    access = get_case_for(request.user, case_id, need_for(request), request=request)
    case = access.case
    # Note bodies are for those helping on the case: a supervisor reading by break-glass
    # sees that notes exist, not what they say (docs/architecture.md, rule 3).
    readable = access.may_read_content
    context = {"case": case, "access": access, "form": None}
    if access.may_edit:
        old = _correcting(case, request)
        context["correcting"] = old
        context["form"] = NoteForm(
            posted(request), case=case, initial={"corrects": old.pk} if old else None
        )
    short = embedded(request, "case-notes")
    rows = _notes(case) if readable else []
    context.update(notes=rows[:EMBEDDED_NOTES] if short else rows, embedded=short)
    if request.method == "POST":
        response = _add_note(request, access, context)
    else:
        response = render_page(request, "casework/notes.html", context)
    if readable and response.status_code != 302:
        record("note.list", request=request, obj=case)
    return response


def _add_note(request, access, context):
    case = access.case
    form = context["form"]

    def create():
        note = work.add_note(
            request.user,
            case,
            form.cleaned_data["body"],
            corrects=form.cleaned_data["corrects"],
            request=request,
        )
        if note.corrects_id:
            messages.success(request, _("The correction was added."))
        else:
            messages.success(request, _("The note was added."))
        return reverse("cases:notes", args=[case.pk])

    return add_once(request, form, create, "casework/notes.html", context)


urlpatterns = [
    path("<uuid:case_id>/catatan/", notes, name="notes"),
]
