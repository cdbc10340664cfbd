"""The notifications list, marking alerts read, and the unread count in the header."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from lindungi.notifications.models import Kind, Notification, notify
from tests.cases.factories import make_case
from tests.login import log_in

LIST = "/notifikasi/"


def test_the_list_lives_at_notifikasi():
    assert reverse("notifications:list") == LIST


def test_the_list_shows_the_readers_alerts_newest_first_with_a_link_to_the_case(client, personas):
    case = make_case(personas, "a")
    notify([personas.case_worker_a], Kind.CASE_ASSIGNED, case)
    notify([personas.case_worker_a], Kind.DEADLINE_OVERDUE, case)
    notify([personas.case_worker_b], Kind.TASK_ASSIGNED, case)
    log_in(client, personas.case_worker_a)
    response = client.get(LIST)
    assert response.status_code == 200
    alerts = list(response.context["page"].object_list)
    assert [a.kind for a in alerts] == [Kind.DEADLINE_OVERDUE, Kind.CASE_ASSIGNED]
    page = response.content.decode()
    assert str(Kind.DEADLINE_OVERDUE.label) in page
    assert str(Kind.TASK_ASSIGNED.label) not in page  # someone else's alert
    assert reverse("cases:detail", args=[case.pk]) in page
    assert "Siti" not in page and case.survivor_code not in page


def test_the_text_is_the_kinds_label_in_the_readers_language(client, personas):
    notify([personas.supervisor_a], Kind.APPROVAL_REQUESTED)
    log_in(client, personas.supervisor_a)
    response = client.get(LIST, headers={"Accept-Language": "id"})
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        label = str(Kind.APPROVAL_REQUESTED.label)
    assert label in response.content.decode()


def test_the_case_link_still_goes_through_the_case_pages_access_check(client, personas):
    case = make_case(personas, "a")
    notify([personas.case_worker_b], Kind.DEADLINE_OVERDUE, case)  # a stray alert
    log_in(client, personas.case_worker_b)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_marking_one_alert_read_lowers_the_count_in_the_header(client, personas):
    notify([personas.supervisor_a], Kind.APPROVAL_REQUESTED)
    notify([personas.supervisor_a], Kind.DEADLINE_OVERDUE)
    log_in(client, personas.supervisor_a)
    assert "Notifications (2 unread)" in client.get(LIST).content.decode()
    first = Notification.objects.filter(user=personas.supervisor_a).first()
    response = client.post(reverse("notifications:read", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == LIST
    first.refresh_from_db()
    assert first.read_at is not None
    assert "Notifications (1 unread)" in client.get(LIST).content.decode()


def test_marking_all_read_leaves_nothing_unread(client, personas):
    notify([personas.supervisor_a], Kind.APPROVAL_REQUESTED)
    notify([personas.supervisor_a], Kind.DEADLINE_OVERDUE)
    notify([personas.supervisor_b], Kind.DEADLINE_OVERDUE)
    log_in(client, personas.supervisor_a)
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(user=personas.supervisor_a, read_at=None).exists()
    assert Notification.objects.filter(user=personas.supervisor_b, read_at=None).exists()
    assert "Notifications (0 unread)" in client.get(LIST).content.decode()


def test_nobody_marks_someone_elses_alert(client, personas):
    notify([personas.supervisor_b], Kind.DEADLINE_OVERDUE)
    theirs = Notification.objects.get(user=personas.supervisor_b)
    log_in(client, personas.supervisor_a)
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_reading_needs_a_post(client, personas):
    notify([personas.supervisor_a], Kind.DEADLINE_OVERDUE)
    alert = Notification.objects.get(user=personas.supervisor_a)
    log_in(client, personas.supervisor_a)
    assert client.get(reverse("notifications:read", args=[alert.pk])).status_code == 405
    assert client.get(reverse("notifications:read_all")).status_code == 405


def test_htmx_gets_the_list_back_with_the_header_count_out_of_band(client, personas):
    notify([personas.supervisor_a], Kind.DEADLINE_OVERDUE)
    log_in(client, personas.supervisor_a)
    response = client.post(reverse("notifications:read_all"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page
    assert 'id="notifications"' in page
    assert 'hx-swap-oob="true"' in page and "Notifications (0 unread)" in page


def test_every_staff_page_shows_the_unread_count_in_one_small_query(client, personas):
    log_in(client, personas.case_worker_a)
    url = reverse("cases:caseload")
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url).content.decode()
    counts = [q["sql"] for q in captured if "notifications_notification" in q["sql"]]
    assert len(counts) == 1 and "LIMIT 100" in counts[0].upper()
    assert "Notifications (0 unread)" in page


def test_the_list_needs_a_login(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_flooded_inbox_shows_more_than_99(client, personas):
    for _ in range(100):
        notify([personas.supervisor_a], Kind.DEADLINE_OVERDUE)
    log_in(client, personas.supervisor_a)
    assert "Notifications (more than 99 unread)" in client.get(LIST).content.decode()
