"""Reading cases: my caseload, the case page and its printable summary.

Every case comes through the access module (``restrict`` / ``get_case_for``), and every
view of a case is audited. Search terms never travel in a URL (they may be a name, a phone
number or a NIK): the search form posts, and the active search waits in the session,
encrypted like the fields it looks for.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from lindungi.audit.events import record_export, record_read, record_search
from lindungi.cases import case_page
from lindungi.cases.access import CASE_ROLES, get_case_for
from lindungi.cases.caseload_deadlines import with_deadline_facts
from lindungi.cases.models import Case, Priority, Status
from lindungi.cases.queries.case_parts import load_case_page, with_page_rows
from lindungi.cases.queries.filters import ACTIVE, ALL, filter_cases, kota_choices
from lindungi.cases.queries.paging import SORTS, page_of
from lindungi.cases.queries.search import PERSONAL, SearchBy, search_cases
from lindungi.cases.vocabulary import VulnerableGroup
from lindungi.core import crypto
from lindungi.core.blind_index import normalise_nik, normalise_phone
from lindungi.core.htmx import render_page

SEARCH_SESSION_KEY = "cases.caseload.search"
# What the audit row says was searched: field names only, never the terms.
SEARCHED = {
    SearchBy.CODE: ("cases.case", "survivor_code"),
    SearchBy.NAME: ("cases.client", "name"),
    SearchBy.PHONE: ("cases.client", "phone"),
    SearchBy.NIK: ("cases.client", "nik"),
}
CHECKS = {SearchBy.PHONE: normalise_phone, SearchBy.NIK: normalise_nik}


def may_search_people(request):
    """Only roles that work with survivors by name may look them up by name, phone or NIK."""
    membership = getattr(request, "membership", None)
    return membership is not None and membership.role in CASE_ROLES


class ListSelect(forms.Select):
    """A select of plain options (no groups), written here as Django's select template
    writes it (attributes as ``attrs.html`` does): drawn by templates, even by one loop of
    its own, the caseload's five selects and their forty options took a quarter of the
    page's time, more than its query. Nothing is kept: it is written on every request."""

    def render(self, name, value, attrs=None, renderer=None):
        # From the choices themselves: ``get_context`` builds a dict of a dozen entries for
        # every option (copies of the attributes included), half the time of this method.
        chosen = set(self.format_value(value))
        options, has_selected = [], False
        for option_value, label in self.choices:
            text = "" if option_value is None else str(option_value)
            selected = not has_selected and text in chosen  # the first match, as Django's
            has_selected |= selected
            options.append((text, " selected" if selected else "", label))
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            name,
            _attributes(self.build_attrs(self.attrs, attrs)),
            format_html_join("", '\n<option value="{}"{}>{}</option>', options),
        )


def _attributes(attrs):
    """`` name="value"`` for each attribute; ``name`` alone for True, nothing for False."""
    return format_html_join(
        "",
        "{}{}",
        (
            (format_html(" {}", key), "" if value is True else format_html('="{}"', str(value)))
            for key, value in attrs.items()
            if value is not False
        ),
    )


class CaseloadFilters(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[(ACTIVE, _("Active (not closed)")), (ALL, _("All statuses")), *Status.choices],
        widget=ListSelect,
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        required=False,
        choices=[("", _("Any priority")), *Priority.choices],
        widget=ListSelect,
    )
    group = forms.ChoiceField(
        label=_("Vulnerable group"),
        required=False,
        choices=[("", _("Any group")), *VulnerableGroup.choices],
        widget=ListSelect,
    )
    kota = forms.ChoiceField(label=_("City or regency"), required=False, widget=ListSelect)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[(k, s.label) for k, s in SORTS.items()],
        widget=ListSelect,
    )
    DEFAULTS = {"status": ACTIVE, "priority": "", "group": "", "kota": "", "sort": "newest"}

    def __init__(self, *args, kota_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kota"].choices = [("", _("Any city or regency")), *kota_choices]

    def values(self):
        """The chosen filters; a value that is not on a list falls back to its default."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name) or default for name, default in self.DEFAULTS.items()}

    def query(self, **extra):
        """The filters that differ from the defaults, as a query string (no personal data)."""
        data = QueryDict(mutable=True)
        for name, value in self.values().items():
            if value != self.DEFAULTS[name]:
                data[name] = value
        for name, value in extra.items():
            if value:
                data[name] = value
        return data.urlencode()


class CaseSearch(forms.Form):
    by = forms.ChoiceField(label=_("Search by"), choices=SearchBy.choices, widget=ListSelect)
    q = forms.CharField(
        label=_("Search for"),
        max_length=100,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, people=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not people:
            self.fields["by"].choices = [(SearchBy.CODE, SearchBy.CODE.label)]

    def clean(self):
        cleaned = super().clean()
        check = CHECKS.get(cleaned.get("by"))
        if check is not None and cleaned.get("q"):
            try:
                check(cleaned["q"])
            except ValidationError as error:  # its message never repeats the value
                self.add_error("q", error)
        return cleaned


def _active_search(request, people):
    """(by, term) of the search kept in the session, if it still applies."""
    stored = request.session.get(SEARCH_SESSION_KEY)
    if not isinstance(stored, dict):
        return None
    by = stored.get("by")
    if by not in SearchBy.values or (by in PERSONAL and not people):
        # The user switched to a role that may not search by name: drop it.
        request.session.pop(SEARCH_SESSION_KEY, None)
        return None
    try:
        return SearchBy(by), crypto.decrypt(stored.get("q", ""), "cases.caseload.search")
    except crypto.DecryptionError:
        request.session.pop(SEARCH_SESSION_KEY, None)
        return None


def _run_search(request, form):
    """Keep a submitted search in the session and audit it. True when it was kept."""
    if request.POST.get("clear"):
        request.session.pop(SEARCH_SESSION_KEY, None)
        return True
    if not form.is_valid():
        return False
    by = SearchBy(form.cleaned_data["by"])
    object_type, field = SEARCHED[by]
    with transaction.atomic():
        request.session[SEARCH_SESSION_KEY] = {
            "by": by.value,
            "q": crypto.encrypt(form.cleaned_data["q"]),
        }
        record_search(request, object_type, fields=[field])
        # Saved with its audit event, in one commit: the session middleware would commit it
        # in a second one after the answer is made. What it would save is saved (a later
        # change in this request marks the session modified again); its cookie needs no
        # new copy, having the same key and no expiry of its own (ends with the browser).
        request.session.save()
        request.session.modified = False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def caseload(request):
    """The cases the user may see, filtered, searched, sorted and paged."""
    people = may_search_people(request)
    membership = request.membership
    province = membership.unit.region_id.split(".")[0] if membership else None
    kota = kota_choices(province)
    filters = CaseloadFilters(request.GET, kota_choices=kota)
    search_form = CaseSearch(people=people)
    if request.method == "POST":
        posted = CaseSearch(request.POST, people=people)
        if _run_search(request, posted):
            if not request.htmx:
                # Post/redirect/get: reloading the list does not post the search again.
                url = reverse("cases:caseload")
                query = filters.query()
                return HttpResponseRedirect(f"{url}?{query}" if query else url, status=303)
        else:
            search_form = posted
    active = _active_search(request, people)
    if active and not search_form.is_bound:
        search_form = CaseSearch(initial={"by": active[0], "q": active[1]}, people=people)
    chosen = filters.values()
    cases = filter_cases(
        Case.objects.restrict(request.user),
        status=chosen["status"],
        priority=chosen["priority"],
        group=chosen["group"],
        kota=chosen["kota"],
    )
    if active:
        cases = search_cases(cases, *active)
    page = page_of(
        cases,
        chosen["sort"],
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        kota_names=dict(kota),
        # A search's few matches drive its list; otherwise the user's own cases do.
        owner=None if active else request.user,
    )
    return render_page(
        request,
        "cases/caseload.html",
        {
            "page": page,
            "filters": filters,
            "search_form": search_form,
            "active_search": active and {"by": active[0].label, "term": active[1]},
            "filter_query": filters.query(),
            "next_query": page.next_cursor and filters.query(after=page.next_cursor),
            "previous_query": page.previous_cursor and filters.query(before=page.previous_cursor),
        },
    )


def _case_context(access):
    return {"case": access.case, "access": access, **load_case_page(access.case)}


def _case_page_row(cases):
    """The case page's case, with what its summary and deadlines read (the unit's name, the
    last note, the police report) in the same query rather than three more, and whether it
    has what each part of the page reads (``case_page.with_presence``)."""
    return case_page.with_presence(
        with_page_rows(with_deadline_facts(cases.select_related("unit")))
    )


@login_required
@require_GET
def case_detail(request, case_id):
    access = get_case_for(request.user, case_id, request=request, load=_case_page_row)
    record_read(request, access.case)
    return render_page(request, "cases/case_detail.html", _case_context(access))


@login_required
@require_GET
def case_print(request, case_id):
    """A summary to print: the same access as the case page, audited as data leaving."""
    access = get_case_for(request.user, case_id, request=request, load=_case_page_row)
    record_export(request, "cases.case", obj=access.case)
    # A page of its own (no navigation, no htmx): it is meant for paper.
    return render(request, "cases/case_print.html", _case_context(access))


urlpatterns = [
    path("", caseload, name="caseload"),
    path("<uuid:case_id>/", case_detail, name="detail"),
    path("<uuid:case_id>/cetak/", case_print, name="print"),
]
