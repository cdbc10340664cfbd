"""My caseload at /kasus/: who sees what, filters, sort, pages and the search that never
puts a term in a URL."""

import re
from datetime import date

import pytest
from django import forms
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from lindungi.accounts.models import Membership, User
from lindungi.audit.models import AuditEvent
from lindungi.cases import actions
from lindungi.cases.models import Assignment, Case, Client, Incident, NamedAccess
from lindungi.cases.queries import paging
from lindungi.cases.queries.filters import group_condition
from lindungi.cases.queries.paging import SORTS, own_parts, page_of
from lindungi.cases.views.pages import SEARCH_SESSION_KEY, CaseloadFilters
from lindungi.cases.vocabulary import Difficulty, Sex
from lindungi.casework import actions as work
from lindungi.places.models import Region
from tests.cases.factories import make_case
from tests.login import log_in

URL = reverse("cases:caseload")


@pytest.fixture
def cases(personas):
    return {
        "a": make_case(personas, "a"),
        "b": make_case(personas, "b"),
        "restricted": make_case(personas, "a", restricted=True),
    }


def codes(response):
    return {c.survivor_code for c in response.context["page"].rows}


def search(client, by, term, **extra):
    return client.post(URL, {"by": by, "q": term}, **extra)


# --- Who sees what -----------------------------------------------------------------------


def test_without_login_the_caseload_redirects_to_the_login_page(client, cases):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_the_case_worker_of_unit_a_sees_their_cases_and_not_unit_bs(client, personas, cases):
    log_in(client, personas.case_worker_a)
    response = client.get(URL)
    assert response.status_code == 200
    assert codes(response) == {cases["a"].survivor_code, cases["restricted"].survivor_code}
    assert cases["b"].survivor_code not in response.content.decode()


def test_the_list_shows_codes_and_never_names(client, personas, cases):
    log_in(client, personas.supervisor_a)
    page = client.get(URL).content.decode()
    assert cases["a"].survivor_code in page
    assert "Siti" not in page and "Aminah" not in page
    assert "3174012345678901" not in page


def test_the_supervisor_of_unit_b_sees_only_unit_bs_case(client, personas, cases):
    log_in(client, personas.supervisor_b)
    assert codes(client.get(URL)) == {cases["b"].survivor_code}


def test_a_restricted_case_is_marked_and_hidden_from_an_unnamed_supervisor(client, personas, cases):
    log_in(client, personas.case_worker_a)
    row = next(c for c in client.get(URL).context["page"].rows if c.pk == cases["restricted"].pk)
    assert row.restricted
    newcomer = User.objects.create_user("sup3@test.lindungi.id", "x" * 16, display_name="New")
    Membership.objects.create(user=newcomer, unit=personas.unit_a, role="supervisor")
    client.logout()
    log_in(client, newcomer)
    assert codes(client.get(URL)) == {cases["a"].survivor_code}


def _named_without_assignment(personas, worker):
    """A restricted case of unit A on which ``worker`` is named but not assigned (named, say,
    while they were the unit's supervisor): visible to them, yet not among their
    assignments."""
    case = actions.open_case(personas.supervisor_a, personas.unit_a)
    actions.restrict_case(personas.supervisor_a, case, "conflict_of_interest")
    NamedAccess.objects.create(
        case=case, user=worker, granted_by=personas.supervisor_a, granted_at=case.opened_at
    )
    return case


def test_own_parts_hold_exactly_the_visible_cases_of_every_persona(personas, cases):
    actions.break_glass(personas.supervisor_b, cases["a"], "Survivor at the ER, unit A closed")
    _named_without_assignment(personas, personas.case_worker_a)
    for name, user in personas.everyone():
        visible = Case.objects.restrict(user)
        parts = [set(part.values_list("pk", flat=True)) for part, _o in own_parts(visible, user)]
        assert set().union(*parts) == set(visible.values_list("pk", flat=True)), name
        assert sum(len(p) for p in parts) == len(set().union(*parts)), name  # no case twice


def test_own_parts_hold_the_visible_cases_of_a_supervisor_who_works_cases_elsewhere(
    personas, cases
):
    """Supervisor in unit A (their list walks A's cases), case worker in unit B (assigned to
    one case there, named without an assignment on another), named on a third of unit B as
    a pure supervisor would be: every visible case in exactly one part."""
    both = User.objects.create_user("both@test.lindungi.id", "x" * 16, display_name="Both")
    Membership.objects.create(user=both, unit=personas.unit_a, role="supervisor")
    Membership.objects.create(user=both, unit=personas.unit_b, role="case_worker")
    actions.assign_worker(personas.supervisor_b, cases["b"], both)
    named = make_case(personas, "b", restricted=True)
    NamedAccess.objects.create(
        case=named, user=both, granted_by=personas.supervisor_b, granted_at=named.opened_at
    )
    for user in (both, personas.supervisor_a, personas.supervisor_b):
        visible = Case.objects.restrict(user)
        parts = [set(part.values_list("pk", flat=True)) for part, _o in own_parts(visible, user)]
        assert set().union(*parts) == set(visible.values_list("pk", flat=True))
        assert sum(len(p) for p in parts) == len(set().union(*parts))  # no case twice
    assert {cases["b"].pk, named.pk} <= set(
        Case.objects.restrict(both).values_list("pk", flat=True)
    )


def test_a_role_given_within_the_minute_lists_no_case_twice(personas, cases):
    """The ids a case worker sees by name are kept a minute; made supervisor of the same unit
    meanwhile, their unit's cases come by unit, and the kept ids must not add them again."""
    worker = personas.case_worker_a
    named = _named_without_assignment(personas, worker)

    def listed():
        user = User.objects.prefetch_related("memberships").get(pk=worker.pk)
        parts = own_parts(Case.objects.restrict(user), user)
        return [pk for part, _o in parts for pk in part.values_list("pk", flat=True)]

    assert named.pk in listed()
    Membership.objects.filter(user=worker, unit=personas.unit_a).update(role="supervisor")
    now = listed()
    assert named.pk in now and len(now) == len(set(now))


def test_a_case_worker_sees_a_case_they_are_named_on_without_an_assignment(client, personas, cases):
    named = _named_without_assignment(personas, personas.case_worker_a)
    log_in(client, personas.case_worker_a)
    assert named.survivor_code in codes(client.get(URL))


def test_an_assignment_carries_its_cases_opening_time(personas, cases):
    worker = User.objects.create_user("cw3@test.lindungi.id", "x" * 16, display_name="Third")
    Membership.objects.create(user=worker, unit=personas.unit_a, role="case_worker")
    actions.assign_worker(personas.supervisor_a, cases["a"], worker)
    for assignment in Assignment.objects.filter(case=cases["a"]):
        assert assignment.case_opened_at == cases["a"].opened_at


def test_an_analyst_gets_an_empty_list_and_no_cases_entry_in_the_navigation(
    client, personas, cases
):
    log_in(client, personas.analyst)
    response = client.get(URL)
    assert codes(response) == set()
    assert {i["name"] for i in response.context["navigation"]} == {
        "home",
        "stats:dashboard",
        "places:service_points",
    }


def test_case_workers_and_supervisors_find_cases_in_the_navigation(client, personas):
    for user in (personas.case_worker_a, personas.supervisor_b):
        log_in(client, user)
        names = {i["name"] for i in client.get(URL).context["navigation"]}
        assert "cases:caseload" in names


def test_the_row_shows_groups_kota_workers_and_the_opening_date(client, personas, cases):
    log_in(client, personas.case_worker_a)
    response = client.get(URL)
    row = next(c for c in response.context["page"].rows if c.pk == cases["a"].pk)
    assert [g.value for g in row.groups] == ["woman"]
    assert row.kota == "31.74"
    assert row.kota_name == Region.objects.get(code="31.74").name
    page = response.content.decode()
    assert "Case Worker A" in page
    assert row.kota_name in page


def test_an_htmx_request_gets_the_fragment_without_the_page_frame(client, personas, cases):
    log_in(client, personas.case_worker_a)
    response = client.get(URL, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'id="caseload-results"' in body
    assert "<html" not in body


# --- Filters and sort --------------------------------------------------------------------


def test_the_default_list_leaves_out_closed_cases_and_the_status_filter_finds_them(
    client, personas, cases
):
    closed = cases["a"]
    closure = work.request_closure(personas.case_worker_a, closed, "needs_met", "Safe now")
    work.decide_approval(personas.supervisor_a, closure.approval, "approved")
    log_in(client, personas.supervisor_a)
    assert closed.survivor_code not in codes(client.get(URL))
    assert codes(client.get(URL, {"status": "closed"})) == {closed.survivor_code}
    assert closed.survivor_code in codes(client.get(URL, {"status": "all"}))


def test_the_priority_filter_and_sort(client, personas, cases):
    high = make_case(personas, "a")
    actions.update_case(personas.case_worker_a, high, high.version, {"priority": "high"})
    log_in(client, personas.case_worker_a)
    assert codes(client.get(URL, {"priority": "high"})) == {high.survivor_code}
    rows = client.get(URL, {"sort": "priority"}).context["page"].rows
    assert rows[0].pk == high.pk


def test_the_group_filter_finds_a_child_and_an_older_woman_with_a_disability(
    client, personas, cases
):
    older = make_case(personas, "a")
    survivor = older.clients.get()
    actions.update_client(
        personas.case_worker_a,
        survivor,
        survivor.version,
        {"birth_date": date(1950, 1, 1), "wg_walking": Difficulty.CANNOT},
    )
    child = make_case(personas, "a")
    survivor = child.clients.get()
    actions.update_client(
        personas.case_worker_a,
        survivor,
        survivor.version,
        {"birth_date": None, "age_estimate": 12, "sex": Sex.MALE},
    )
    log_in(client, personas.case_worker_a)
    assert codes(client.get(URL, {"group": "child"})) == {child.survivor_code}
    assert codes(client.get(URL, {"group": "older_person"})) == {older.survivor_code}
    assert codes(client.get(URL, {"group": "disability"})) == {older.survivor_code}
    women = codes(client.get(URL, {"group": "woman"}))
    assert older.survivor_code in women and child.survivor_code not in women


def test_the_filter_fields_follow_the_language_and_the_chosen_values(
    client, personas, cases, settings
):
    log_in(client, personas.supervisor_a)
    assert "Any priority" in client.get(URL).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    page = client.get(URL).content.decode()
    assert "Semua prioritas" in page and "Any priority" not in page
    chosen = client.get(URL, {"priority": "high"}).content.decode()
    assert '<option value="high" selected>' in chosen
    assert '<option value="high" selected>' not in client.get(URL).content.decode()


@pytest.mark.parametrize("data", [{}, {"status": "all", "priority": "high", "kota": "31.71"}])
def test_the_filter_selects_say_what_djangos_select_says(data):
    """``ListSelect`` writes its options itself: the same options, labels (escaped) and
    selection as Django's own select widget."""
    kota = [("31.71", "Jakarta <Pusat>"), ("31.72", "Jakarta Utara")]
    written = CaseloadFilters(data, kota_choices=kota)
    for name, field in written.fields.items():
        django = forms.Select(attrs=field.widget.attrs, choices=field.widget.choices)
        value = written[name].value()
        expected = [
            (str(o["value"]), o["selected"], escape(o["label"]))
            for _group, options, _i in django.optgroups(name, django.format_value(value))
            for o in options
        ]
        html = field.widget.render(name, value)
        found = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html)
        assert [(v, bool(s), label) for v, s, label in found] == expected
    assert "Jakarta &lt;Pusat&gt;" in str(written["kota"])


def test_a_value_not_on_the_list_shows_its_error_to_that_request_only(client, personas, cases):
    log_in(client, personas.supervisor_a)
    client.get(URL)  # the default fields are kept
    wrong = client.get(URL, {"status": "<b>bogus</b>"}).content.decode()
    assert 'class="error"' in wrong and "<b>bogus</b>" not in wrong
    assert 'class="error"' not in client.get(URL).content.decode()


@pytest.mark.parametrize("incident_day", [date(2026, 3, 1), date(2026, 2, 28), date(2028, 2, 29)])
def test_the_group_filter_agrees_with_the_classification_rule_around_birthdays(
    personas, incident_day
):
    case = make_case(personas, "a")
    survivor = case.clients.get()
    Incident.objects.filter(case=case).update(occurred_on=incident_day, reported_on=incident_day)
    borns = [date(2008, 2, 29), date(2008, 3, 1), date(2008, 3, 2), date(1966, 3, 1)]
    borns += [date(2010, 2, 28), date(2010, 3, 1), date(1968, 2, 29), date(1968, 3, 1)]
    for born in borns:
        Client.objects.filter(pk=survivor.pk).update(birth_date=born)
        survivor.refresh_from_db()
        expected = survivor.vulnerable_groups(incident_day)
        for group in ("child", "older_person", "woman"):
            found = Client.objects.filter(group_condition(group), pk=survivor.pk).exists()
            assert found == (group in expected), (born, group)


def test_the_kota_filter_uses_the_survivors_or_the_incidents_kelurahan(client, personas, cases):
    elsewhere = make_case(personas, "a")
    survivor = elsewhere.clients.get()
    actions.update_client(personas.case_worker_a, survivor, survivor.version, {"kelurahan": None})
    incident = elsewhere.incidents.get()
    north = Region.objects.filter(code__startswith="31.72.", level=4).first()
    actions.update_incident(
        personas.case_worker_a, incident, incident.version, {"kelurahan": north}
    )
    log_in(client, personas.case_worker_a)
    assert codes(client.get(URL, {"kota": "31.72"})) == {elsewhere.survivor_code}
    assert elsewhere.survivor_code not in codes(client.get(URL, {"kota": "31.74"}))


def test_a_filter_value_not_on_the_list_is_ignored(client, personas, cases):
    log_in(client, personas.case_worker_a)
    response = client.get(URL, {"status": "nonsense", "sort": "x", "after": "garbage"})
    assert response.status_code == 200
    assert len(codes(response)) == 2


# --- Pages -------------------------------------------------------------------------------


@pytest.mark.parametrize("sort", list(SORTS))
@pytest.mark.parametrize("reader", ["supervisor_a", "case_worker_a"])
def test_keyset_pages_walk_every_case_once_forwards_and_backwards(personas, sort, reader):
    made = [make_case(personas, "a") for _ in range(6)]
    # One the case worker sees without an assignment: their list merges it in its place.
    made.insert(3, _named_without_assignment(personas, personas.case_worker_a))
    NamedAccess.objects.get_or_create(
        case=made[3],
        user=personas.supervisor_a,
        defaults={"granted_by": personas.supervisor_a, "granted_at": made[3].opened_at},
    )
    priorities = ["high", "low", "medium", "high", "low", "high", "medium"]
    same_moment = made[0].opened_at
    for i, (case, priority) in enumerate(zip(made, priorities, strict=True)):
        # Several cases opened at the same moment: the id breaks the tie. (The opening time
        # never changes in use; here it is set, with its copy on the assignments.)
        opened = same_moment if i % 2 else case.opened_at
        Case.objects.filter(pk=case.pk).update(priority=priority, opened_at=opened)
        Assignment.objects.filter(case=case).update(case_opened_at=opened)
    user = getattr(personas, reader)
    everything = Case.objects.restrict(user)
    seen, pages, cursor = [], [], None
    while True:
        page = page_of(everything, sort, after=cursor, size=3, owner=user)
        pages.append(page)
        seen += [c.pk for c in page.rows]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert sorted(seen) == sorted(c.pk for c in made)
    assert len(pages) == 3
    in_order = page_of(everything, sort, size=len(made))
    assert seen == [c.pk for c in in_order.rows]  # the order of the list as one query
    back = page_of(everything, sort, before=pages[-1].previous_cursor, size=3, owner=user)
    assert [c.pk for c in back.rows] == [c.pk for c in pages[-2].rows]
    assert back.next_cursor is not None


def test_the_list_pages_and_the_pager_links_keep_the_filters(client, personas, monkeypatch):
    for _ in range(3):
        make_case(personas, "a")
    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    log_in(client, personas.supervisor_a)
    first = client.get(URL, {"priority": "medium"})
    assert len(first.context["page"].rows) == 2
    next_query = first.context["next_query"]
    assert "priority=medium" in next_query
    second = client.get(f"{URL}?{next_query}")
    assert len(second.context["page"].rows) == 1
    assert second.context["previous_query"]


def test_the_list_never_counts_every_visible_case(client, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        make_case(personas, "a")
    log_in(client, personas.supervisor_a)
    with CaptureQueriesContext(connection) as captured:
        client.get(URL, {"group": "woman"})
    assert not [q for q in captured if "COUNT(" in q["sql"].upper()]


# --- Search ------------------------------------------------------------------------------


def test_a_search_by_survivor_code_posts_and_redirects_without_the_term_in_the_url(
    client, personas, cases
):
    log_in(client, personas.case_worker_a)
    code = cases["a"].survivor_code
    response = search(client, "code", code.lower())
    assert response.status_code == 303
    assert code.lower() not in response.url and code not in response.url
    assert codes(client.get(response.url)) == {code}
    event = AuditEvent.objects.filter(action="data.search").latest("at")
    assert (event.object_type, event.fields) == ("cases.case", ["survivor_code"])


def test_a_search_by_case_reference_finds_the_case(client, personas, cases):
    log_in(client, personas.case_worker_a)
    search(client, "code", str(cases["a"].pk))
    assert codes(client.get(URL)) == {cases["a"].survivor_code}


def test_a_name_search_goes_through_the_blind_index_and_is_audited_without_the_term(
    client, personas, cases
):
    log_in(client, personas.case_worker_a)
    response = search(client, "name", "aminah siti")
    assert response.status_code == 303
    assert "aminah" not in response.url.lower()
    # Both of unit A's cases have a survivor called Siti Aminah; unit B's stays out.
    assert codes(client.get(URL)) == {cases["a"].survivor_code, cases["restricted"].survivor_code}
    event = AuditEvent.objects.filter(action="data.search").latest("at")
    assert (event.object_type, event.fields) == ("cases.client", ["name"])
    assert "aminah" not in str(event.__dict__).lower()


def test_a_full_name_searchs_cases_are_read_inside_the_lists_own_query(client, personas, cases):
    """The few people a full name finds (from its rare pair of tokens) have their cases read
    inside the list's query: no query of its own brings the cases' ids back first."""
    log_in(client, personas.supervisor_b)
    search(client, "name", "Siti Aminah")
    with CaptureQueriesContext(connection) as queries:
        listed = codes(client.get(URL))
    assert listed == {cases["b"].survivor_code}  # unit A's two Siti Aminah stay out
    statements = [query["sql"] for query in queries.captured_queries]
    assert not [sql for sql in statements if sql.startswith('SELECT DISTINCT "cases_client"')]
    # One token alone may be thousands of people: their cases' ids are still read first.
    search(client, "name", "Aminah")
    with CaptureQueriesContext(connection) as queries:
        assert codes(client.get(URL)) == {cases["b"].survivor_code}
    statements = [query["sql"] for query in queries.captured_queries]
    assert [sql for sql in statements if sql.startswith('SELECT DISTINCT "cases_client"')]


def test_a_name_of_no_words_finds_no_case(client, personas, cases):
    log_in(client, personas.supervisor_a)
    search(client, "name", " - ")  # punctuation only: no token to look for
    response = client.get(URL)
    assert response.status_code == 200
    assert codes(response) == set()


def test_the_search_term_is_kept_encrypted_in_the_session(client, personas, cases):
    log_in(client, personas.case_worker_a)
    search(client, "name", "Aminah")
    stored = client.session[SEARCH_SESSION_KEY]
    assert stored["by"] == "name"
    assert "Aminah" not in stored["q"]


def test_a_search_term_stays_in_its_own_form_and_never_in_anothers(client, personas, cases):
    log_in(client, personas.case_worker_a)
    client.get(URL)  # the empty search fields are kept
    search(client, "name", "Aminah")
    assert 'value="Aminah"' in client.get(URL).content.decode()
    other = Browser()
    log_in(other, personas.supervisor_a)
    assert "Aminah" not in other.get(URL).content.decode()


def test_a_phone_and_a_nik_search_find_the_case(client, personas, cases):
    log_in(client, personas.supervisor_b)
    search(client, "phone", "+62 812 3456 7890")
    assert codes(client.get(URL)) == {cases["b"].survivor_code}
    search(client, "nik", "3174 0123 4567 8901")
    assert codes(client.get(URL)) == {cases["b"].survivor_code}


def test_an_invalid_phone_or_nik_gets_a_clear_message_and_changes_nothing(client, personas, cases):
    log_in(client, personas.case_worker_a)
    client.cookies["lindungi_language"] = "en"
    response = search(client, "phone", "12")
    assert response.status_code == 200
    assert "Enter a valid phone number." in response.content.decode()
    response = search(client, "nik", "1234")
    assert "A NIK has exactly 16 digits." in response.content.decode()
    assert SEARCH_SESSION_KEY not in client.session
    assert not AuditEvent.objects.filter(action="data.search").exists()


def test_clearing_the_search_shows_the_whole_caseload_again(client, personas, cases):
    log_in(client, personas.case_worker_a)
    search(client, "code", cases["a"].survivor_code)
    client.post(URL, {"clear": "1"})
    assert len(codes(client.get(URL))) == 2


def test_an_htmx_search_answers_with_the_results_at_once(client, personas, cases):
    log_in(client, personas.case_worker_a)
    response = search(client, "code", cases["a"].survivor_code, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert codes(response) == {cases["a"].survivor_code}
    assert "<html" not in response.content.decode()


def test_a_role_that_may_not_see_names_cannot_search_by_name(client, personas, cases):
    log_in(client, personas.analyst)
    response = search(client, "name", "Aminah")
    assert response.status_code == 200
    assert response.context["search_form"].errors
    assert SEARCH_SESSION_KEY not in client.session
