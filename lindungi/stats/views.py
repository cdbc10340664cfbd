"""The statistics pages for staff: the dashboard, publishing a year, the SIMFONI-PPA and
DHIS2 files (each asks ``access.require_scope`` first and reads the rollups only), and the
row-level exports a unit's supervisor asks for (``access.require_row_export``), which the
worker writes."""

import uuid
from functools import partial

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from lindungi.audit.events import record, record_export
from lindungi.cases.forms import RELOAD
from lindungi.core.htmx import render_page
from lindungi.core.once import KeyReused, Replayed, SubmitOnce, form_digest
from lindungi.stats import actions, dashboard, head, row_exports, snapshots, supervision
from lindungi.stats.access import (
    export_for,
    exports_of,
    require_head_of_service,
    require_row_export,
    require_scope,
)
from lindungi.stats.exports import dhis2, gbvims, simfoni
from lindungi.stats.exports.files import XLSX, csv_bytes, xlsx_bytes
from lindungi.stats.models import ExportFormat


def _filter_form(request):
    today = dashboard.today()
    form = dashboard.FilterForm(request.GET or dashboard.default_query(today), today)
    if not form.is_valid():
        form = dashboard.FilterForm(dashboard.default_query(today), today)
        form.is_valid()
    return form


@require_http_methods(["GET"])
def dashboard_page(request):
    scope = require_scope(request)
    form = _filter_form(request)
    filters = form.filters(scope.units)
    context = {
        "form": form,
        "scope": scope,
        "publish_form": PublishForm(initial={"year": filters.end.year}),
        "published": snapshots.latest(),
        "indicators": supervision.indicators(request.user, scope.units, filters)
        if scope.units is not None
        else [],
        **dashboard.dashboard_context(filters),
    }
    return render_page(request, "stats/dashboard.html", context)


@require_http_methods(["GET"])
def head_page(request):
    """The head of service's dashboard: the city's trends, coverage and quality, counts
    only (``head``), from the rollups."""
    require_head_of_service(request)
    form = _filter_form(request)
    context = {"form": form, **head.head_context(form.filters(None))}
    return render_page(request, "stats/head.html", context)


def _years():
    today = dashboard.today()
    return [(y, y) for y in range(today.year, today.year - 11, -1)]


class PublishForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int, choices=_years)


@require_http_methods(["POST"])
def publish(request):
    scope = require_scope(request)
    if not scope.may_publish:
        raise PermissionDenied
    form = PublishForm(request.POST)
    if form.is_valid():
        snapshots.publish(request.user, form.cleaned_data["year"], request=request)
    return redirect("stats:dashboard")


class MonthForm(forms.Form):
    month = forms.ChoiceField(label=gettext_lazy("Month"))
    kota = forms.ChoiceField(label=gettext_lazy("Kota"), required=False)
    format = forms.ChoiceField(choices=[("xlsx", "XLSX"), ("csv", "CSV")], required=False)

    def __init__(self, data):
        super().__init__(data)
        today = dashboard.today()
        self.fields["month"].choices = dashboard.month_choices(today)
        self.fields["kota"].choices = [("", gettext_lazy("Every kota")), *dashboard.kotas()]


def _month_form(request):
    form = MonthForm(request.GET)
    if not form.is_valid():
        raise PermissionDenied(_("Choose a month and a kota."))
    return form.cleaned_data


@require_http_methods(["GET"])
def simfoni_file(request):
    scope = require_scope(request)
    data = _month_form(request)
    filters = simfoni.month_filters(data["month"], data["kota"], scope.units)
    name = f"simfoni-{data['month']}-{data['kota'] or 'semua'}"
    record_export(request, "stats.simfoni", fields=["month", "kota", "format"])
    if data["format"] == "csv":
        body = csv_bytes(simfoni.HEADER, simfoni.csv_rows(filters))
        return _download(body, "text/csv; charset=utf-8", name + ".csv")
    return _download(xlsx_bytes(simfoni.sheets(filters)), XLSX, name + ".xlsx")


@require_http_methods(["GET"])
def dhis2_file(request):
    scope = require_scope(request)
    if scope.units is not None:
        raise PermissionDenied
    data = _month_form(request)
    period = data["month"].replace("-", "")
    record_export(request, "stats.dhis2", fields=["period", "kota"])
    response = JsonResponse(dhis2.value_set(period, data["kota"]), json_dumps_params={"indent": 1})
    response["Content-Disposition"] = f'attachment; filename="dhis2-{period}-{data["kota"]}.json"'
    return response


@require_http_methods(["GET"])
def gbvims_file(request):
    """The Incident Recorder: rows about incidents, so only for a unit's supervisor (never
    the analyst, whose statistics are aggregates only)."""
    scope = require_scope(request)
    if scope.units is None:
        raise Http404
    filters = simfoni.month_filters(_month_form(request)["month"])
    rows = gbvims.incident_rows(request.user, filters.start, filters.end)
    record_export(request, "stats.gbvims", fields=["month"])
    menu_header, menu = gbvims.menu_rows()
    body = xlsx_bytes([("Incident Data", gbvims.COLUMNS, rows), ("Menu Data", menu_header, menu)])
    return _download(body, XLSX, f"gbvims-ir-{filters.start:%Y-%m}.xlsx")


def _download(body, content_type, name):
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class RowExportForm(forms.Form):
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=ExportFormat.choices)
    with_names = forms.BooleanField(
        label=gettext_lazy("With the survivors' names (an encrypted zip file)"), required=False
    )
    # A resent form (a double click) asks once: its token is a submit-once key.
    form_token = forms.UUIDField(
        widget=forms.HiddenInput,
        initial=uuid.uuid4,
        error_messages={"required": RELOAD, "invalid": RELOAD},
    )

    def __init__(self, data, *, may_name):
        super().__init__(data)
        if not may_name:
            del self.fields["with_names"]


def _ask_for_export(request, form):
    """Queue the export once per form token; its password ("" on a resent form: the
    password is shown in the first answer only, and kept nowhere for a second)."""
    data = form.cleaned_data
    once = SubmitOnce(
        "stats:row_exports",
        str(request.user.pk),
        str(data["form_token"]),
        form_digest(request.POST),
        answer=lambda made: {"export": str(made[0].pk)},
    )
    ask = partial(
        actions.request_row_export,
        request.membership,
        file_format=data["format"],
        names=data.get("with_names", False),
        request=request,
    )
    try:
        return once.run(ask)[1]
    except Replayed:
        messages.info(request, _("This export was already asked for; see it below."))
    except KeyReused:
        form.add_error(None, RELOAD)
    return ""


@require_http_methods(["GET", "POST"])
def row_exports_page(request):
    """Ask for a row-level export and follow those asked for. The password of a file with
    names is shown in the answer to the request that asked for it, and never again."""
    scope = require_row_export(request)
    form = RowExportForm(request.POST or None, may_name=scope.may_export_names)
    password = ""
    if request.method == "POST" and form.is_valid():
        password = _ask_for_export(request, form)
        if not form.errors:
            form = RowExportForm(None, may_name=scope.may_export_names)
    context = {
        "form": form,
        "password": password,
        "exports": exports_of(request.user).order_by("-created_at")[:20],
    }
    return render_page(request, "stats/row_exports.html", context)


@require_http_methods(["GET"])
def row_export_status(request, rowexport_id):
    """One export's line: the page polls it (htmx) while the worker writes."""
    export = export_for(request, rowexport_id)
    if getattr(request, "htmx", False):
        return render(request, "stats/_row_export.html", {"export": export})
    return render_page(request, "stats/row_export.html", {"export": export})


@require_http_methods(["GET"])
def row_export_file(request, rowexport_id):
    """The file, for its requester only, until it expires."""
    export = export_for(request, rowexport_id)
    path = row_exports.path_of(export)
    if not export.downloadable or not path.exists():
        raise Http404
    record("data.downloaded", request=request, obj=export)
    content_type = "application/zip" if export.with_names else _CONTENT_TYPES[export.format]
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=row_exports.download_name(export),
        content_type=content_type,
    )


_CONTENT_TYPES = {ExportFormat.CSV: "text/csv; charset=utf-8", ExportFormat.XLSX: XLSX}
