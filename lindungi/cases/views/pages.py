"""Reading cases: my caseload, the case page and its printable summary.

Every case comes through the access module (``restrict`` / ``get_case_for``), and every
view of a case is audited. Search terms never travel in a URL (they may be a name, a phone
number or a NIK): the search form posts, and the active search waits in the session,
encrypted like the fields it looks for.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from lindungi.audit.events import record_export, record_read, record_search
from lindungi.cases import queries
from lindungi.cases.access import CASE_ROLES, get_case_for
from lindungi.cases.caseload_deadlines import with_deadline_facts
from lindungi.cases.models import Case, Priority, Status
from lindungi.cases.queries import ACTIVE, ALL, PERSONAL, SORTS, SearchBy
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
    """A select of plain options (no groups) written in Python: Django's templates include
    one template per option, and even one template per select cost the caseload a tenth
    of its time. Every value and label is escaped by format_html."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            (
                (key, " selected" if str(key) in chosen else "", label)
                for key, label in self.choices
            ),
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>\n{}\n</select>', name, attributes, options)


class CaseloadFilters(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        widget=ListSelect,
        choices=[(ACTIVE, _("Active (not closed)")), (ALL, _("All statuses")), *Status.choices],
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        required=False,
        widget=ListSelect,
        choices=[("", _("Any priority")), *Priority.choices],
    )
    group = forms.ChoiceField(
        label=_("Vulnerable group"),
        required=False,
        widget=ListSelect,
        choices=[("", _("Any group")), *VulnerableGroup.choices],
    )
    kota = forms.ChoiceField(label=_("City or regency"), required=False, widget=ListSelect)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        widget=ListSelect,
        choices=[(k, s.label) for k, s in SORTS.items()],
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


NO_VALUE = "—"


def caseload_row(case, restricted_tag):
    """One row of the caseload table, from what ``queries.page_of`` worked out for it.

    Written here rather than in the template: fifty rows of tags and lookups took longer
    than the rest of the page. Every value is escaped by format_html.
    """
    deadline = NO_VALUE
    if case.next_deadline:
        deadline = format_html(
            '<time datetime="{}">{}</time>{}',
            case.deadline_iso,
            case.deadline_label,
            format_html(' <strong class="overdue">{}</strong>', case.overdue_label)
            if case.overdue
            else "",
        )
    return format_html(
        '<tr>\n        <th scope="row"><a href="{}">{}</a>{}</th>\n'
        "        <td>{}</td>\n"
        '        <td><span class="priority priority-{}">{}</span></td>\n'
        "        <td>{}</td>\n        <td>{}</td>\n"
        '        <td><time datetime="{}">{}</time></td>\n'
        "        <td>{}</td>\n        <td>{}</td>\n      </tr>",
        case.url,
        case.survivor_code,
        restricted_tag if case.restricted else "",
        case.status_label,
        case.priority,
        case.priority_label,
        case.group_names or NO_VALUE,
        case.kota_name or NO_VALUE,
        case.opened_iso,
        case.opened_label,
        deadline,
        case.worker_names or NO_VALUE,
    )


# How long drawn form fields are kept (seconds): see filter_fields and search_fields.
FIELDS_SECONDS = 600


def _kept_html(key, template_name, context):
    """``template_name`` drawn with ``context``, kept in the cache under ``key`` (None:
    drawn afresh). Only for HTML that holds nothing personal."""
    if key is not None:
        html = cache.get(key)
        if html is not None:
            return mark_safe(html)  # noqa: S308 - drawn by the template, escaped there
    html = render_to_string(template_name, context)
    if key is not None:
        cache.set(key, str(html), FIELDS_SECONDS)
    return html


def filter_fields(filters, province):
    """The filter form's fields as HTML, kept by language, province and the chosen values:
    the same few combinations are drawn again and again, and drawing five selects through
    the form templates cost a tenth of the caseload's time. They hold nothing personal
    (statuses, priorities, groups, kota, sorts). A form with errors (a value not on a
    list) is drawn afresh: its messages belong to that request only."""
    key = None
    if not filters.errors:
        key = f"cases.filter_fields.{get_language()}.{province}.{filters.query()}"
    return _kept_html(key, "cases/caseload_filters.html", {"filters": filters})


def search_fields(form, people):
    """The search form's fields as HTML; kept only while empty (no term typed, none kept in
    the session): a term may be a name, a phone number or a NIK."""
    key = None
    if not form.is_bound and not form.initial:
        key = f"cases.search_fields.{get_language()}.{people}"
    return _kept_html(key, "cases/caseload_search_fields.html", {"search_form": form})


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
    request.session[SEARCH_SESSION_KEY] = {
        "by": by.value,
        "q": crypto.encrypt(form.cleaned_data["q"]),
    }
    object_type, field = SEARCHED[by]
    record_search(request, object_type, fields=[field])
    return True


@login_required
@require_http_methods(["GET", "POST"])
def caseload(request):
    """The cases the user may see, filtered, searched, sorted and paged."""
    people = may_search_people(request)
    membership = request.membership
    province = membership.unit.region_id.split(".")[0] if membership else None
    kota = queries.kota_choices(province)
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
    cases = queries.filter_cases(
        Case.objects.restrict(request.user),
        status=chosen["status"],
        priority=chosen["priority"],
        group=chosen["group"],
        kota=chosen["kota"],
    )
    if active:
        cases = queries.search_cases(cases, *active)
    page = queries.page_of(
        cases,
        chosen["sort"],
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=queries.PAGE_SIZE,
        kota_names=dict(kota),
        # A search's few matches drive its list; otherwise the user's own cases do.
        owner=None if active else request.user,
    )
    restricted_tag = format_html(' <span class="tag restricted">{}</span>', gettext("Restricted"))
    for case in page.rows:
        case.row_html = caseload_row(case, restricted_tag)
    return render_page(
        request,
        "cases/caseload.html",
        {
            "page": page,
            "filters": filters,
            "search_form": search_form,
            "active_search": active and {"by": active[0].label, "term": active[1]},
            "filter_query": filters.query(),
            "filter_fields": filter_fields(filters, province),
            "search_fields": search_fields(search_form, people),
            "next_query": page.next_cursor and filters.query(after=page.next_cursor),
            "previous_query": page.previous_cursor and filters.query(before=page.previous_cursor),
        },
    )


def _case_context(access):
    return {"case": access.case, "access": access, **queries.load_case_page(access.case)}


def _case_page_row(cases):
    """The case page's case, with what its summary and deadlines read (the unit's name, the
    last note, the police report) in the same query rather than three more."""
    return with_deadline_facts(cases.select_related("unit"))


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
    access = get_case_for(request.user, case_id, request=request)
    record_export(request, "cases.case", obj=access.case)
    # A page of its own (no navigation, no htmx): it is meant for paper.
    return render(request, "cases/case_print.html", _case_context(access))


urlpatterns = [
    path("", caseload, name="caseload"),
    path("<uuid:case_id>/", case_detail, name="detail"),
    path("<uuid:case_id>/cetak/", case_print, name="print"),
]
