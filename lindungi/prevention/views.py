"""The outreach pages: the list, recording an activity, editing it, and the summary by kota,
kecamatan and month. Counts only: any member of staff may read them; a unit's members
record and edit its activities and see their photos (``actions.outreach_units``)."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lindungi.cases.views.edits import _add as add_once
from lindungi.cases.views.edits import _edit as edit_versioned
from lindungi.core.htmx import render_page
from lindungi.prevention import actions
from lindungi.prevention.forms import OutreachFilterForm, OutreachForm, PhotoForm
from lindungi.prevention.models import BANDS, COUNTS, SEXES, Outreach, OutreachPhoto
from lindungi.prevention.photos import open_photo
from lindungi.prevention.summary import activities, summary

PAGE = 50


def _posted(request):
    return request.POST if request.method == "POST" else None


@login_required
@require_GET
def outreach_list(request):
    """The latest activities, filtered by period, kota and kind (a refused filter shows
    its error and filters nothing)."""
    form = OutreachFilterForm(request.GET or None)
    chosen = form.cleaned_data if form.is_valid() else {}
    kota = chosen.get("kota")
    rows = activities(
        chosen.get("start"), chosen.get("end"), kota.code if kota else None, chosen.get("kind")
    )
    rows = rows.select_related("unit", "kelurahan", "kota")[:PAGE]
    mine = {unit.pk for unit in actions.outreach_units(request.user)}
    context = {"rows": rows, "mine": mine, "filter_form": form}
    return render_page(request, "prevention/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def record(request):
    units = actions.outreach_units(request.user)
    if not units:
        raise PermissionDenied
    form = OutreachForm(_posted(request), units=units)

    def create():
        unit = next(u for u in units if str(u.pk) == form.cleaned_data["unit"])
        data = {**form.changes(), "kind": form.cleaned_data["kind"]}
        made = actions.record_outreach(request.user, unit, data, request=request)
        messages.success(request, _("The activity is recorded."))
        return reverse("prevention:edit", kwargs={"outreach_id": made.pk})

    return add_once(request, form, create, "prevention/edit.html", {})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, outreach_id):
    outreach = get_object_or_404(Outreach.objects.select_related("unit"), pk=outreach_id)
    units = actions.outreach_units(request.user)
    if outreach.unit not in units:
        raise PermissionDenied
    form = OutreachForm(_posted(request), units=units, record=outreach)

    def update(version, changes):
        actions.update_outreach(request.user, outreach, version, changes, request=request)
        messages.success(request, _("The activity is saved."))
        return redirect("prevention:list")

    context = {"outreach": outreach, "photo_form": PhotoForm(), "photos": outreach.photos.all()}
    return edit_versioned(request, form, update, "prevention/edit.html", context)


@login_required
@require_POST
def add_photo(request, outreach_id):
    outreach = get_object_or_404(Outreach.objects.select_related("unit"), pk=outreach_id)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.add_photo(request.user, outreach, form.cleaned_data["photo"], request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The photo is added, without its metadata."))
    else:
        messages.error(request, _("Choose a photo."))
    return redirect("prevention:edit", outreach_id=outreach.pk)


@login_required
@require_GET
def photo(request, outreachphoto_id):
    """A photo of an activity may show the people at it (children at a school session):
    only the members of the unit that recorded it see it, as only they see its edit page."""
    found = get_object_or_404(OutreachPhoto.objects.select_related("outreach"), pk=outreachphoto_id)
    if found.outreach.unit_id not in {u.pk for u in actions.outreach_units(request.user)}:
        raise Http404
    return HttpResponse(open_photo(found), content_type=found.content_type)


def _year(request):
    try:
        return int(request.GET.get("tahun", ""))
    except ValueError:
        return timezone.localdate().year


@login_required
@require_GET
def summary_page(request):
    year = min(max(_year(request), 1900), timezone.localdate().year + 1)
    rows = summary(date(year, 1, 1), date(year, 12, 31))
    context = {
        "rows": rows,
        "year": year,
        "columns": COUNTS,
        "sexes": SEXES,
        "bands": BANDS,
    }
    return render_page(request, "prevention/summary.html", context)
