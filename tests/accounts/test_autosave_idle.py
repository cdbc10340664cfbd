"""The idle limit on the staff intake form: the autosave keeps the draft, not the session.

The form saves itself every 20 seconds. Those saves are not a person's actions: a form left
open on a shared computer must still end its session after 15 minutes without one, and what
was typed must not vanish behind a login page when it does.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from lindungi.intake.models import Report
from tests.intake.test_staff_form import HTMX, NEW, desk, form_data  # noqa: F401 - fixture
from tests.login import log_in

START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
LOGIN = "/akun/masuk/"
# What intake.js adds to an autosave when nobody typed or clicked since the last one.
BACKGROUND = {**HTMX, "HTTP_X_LINDUNGI_BACKGROUND": "true"}
ENDED_EN = "Your session has ended, so the last changes were not saved."
ENDED_ID = "Sesi Anda telah berakhir, jadi perubahan terakhir tidak tersimpan."


@pytest.fixture
def form_client(personas, desk):  # noqa: F811 - the fixture imported above
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with time_machine.travel(START, tick=False):
        log_in(client, personas.intake_officer)
    return client


def autosave(client, minute, text, headers=BACKGROUND):
    """An autosave ``minute`` minutes after START, with ``text`` in the narrative."""
    with time_machine.travel(START + timedelta(minutes=minute), tick=False):
        return client.post(NEW, form_data(TOKEN, what_happened=text), **headers)


TOKEN = "6f1c9a52-2b1e-4c1e-9c55-3f0e4c2d7a10"


def still_logged_in(client, minute):
    with time_machine.travel(START + timedelta(minutes=minute), tick=False):
        response = client.get("/")
    return response.status_code == 200


def test_autosave_alone_does_not_keep_the_session_alive(form_client):
    with time_machine.travel(START, tick=False):
        assert form_client.get(NEW).status_code == 200
    # Saves while the session lives keep the draft.
    assert autosave(form_client, 1, "Canary: typed before the break").status_code == 200
    assert Report.objects.get().what_happened == "Canary: typed before the break"
    # Then nobody touches the form: only the timer posts, as often as it likes.
    answers = [
        autosave(form_client, minute, "Canary: typed before the break") for minute in range(2, 17)
    ]
    assert [a.status_code for a in answers[:13]] == [204] * 13  # nothing new to keep
    ended = answers[13]  # minute 15: 15 minutes since the page was opened
    assert ended.status_code == 286  # htmx shows the answer and stops the timer
    assert ENDED_EN in ended.content.decode()
    assert "HX-Redirect" not in ended.headers  # the form, and what is typed in it, stays
    assert not still_logged_in(form_client, 17)


def test_a_persons_typing_counts_as_activity(form_client):
    with time_machine.travel(START, tick=False):
        form_client.get(NEW)
    for minute in range(1, 10):
        autosave(form_client, minute, "Canary: waiting")
    # The person types: that autosave is sent without the background header.
    assert autosave(form_client, 10, "Canary: she typed more", headers=HTMX).status_code == 200
    for minute in range(11, 25):
        assert autosave(form_client, minute, "Canary: she typed more").status_code != 286
    assert Report.objects.get().what_happened == "Canary: she typed more"
    assert autosave(form_client, 25, "Canary: she typed more").status_code == 286


def test_after_the_session_ended_each_autosave_gets_the_notice_in_the_persons_language(
    form_client,
):
    with time_machine.travel(START, tick=False):
        form_client.get(NEW)
    assert autosave(form_client, 16, "Canary: lost?").status_code == 286
    again = autosave(form_client, 17, "Canary: lost?")
    assert again.status_code == 286 and ENDED_EN in again.content.decode()
    assert not Report.objects.exists()  # nothing written once the session has ended
    form_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    assert ENDED_ID in autosave(form_client, 18, "Canary: lost?").content.decode()


def test_a_page_view_still_ends_an_idle_session_at_the_login_page(form_client):
    with time_machine.travel(START, tick=False):
        form_client.get(NEW)
    with time_machine.travel(START + timedelta(minutes=16), tick=False):
        response = form_client.get(NEW)
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_the_form_sends_its_timer_saves_as_background_requests(form_client):
    with time_machine.travel(START, tick=False):
        page = form_client.get(NEW).content.decode()
    assert "data-autosave" in page and "js/intake.js" in page
    script = (settings.BASE_DIR / "static" / "js" / "intake.js").read_text()
    assert 'headers["X-Lindungi-Background"] = "true"' in script
