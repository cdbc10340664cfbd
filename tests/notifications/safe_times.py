"""What the tests of messages to a survivor and to a reporter share: a safe time window,
instants inside and outside it, and the walk of a message page (a refused send, then a
sent one)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from lindungi.notifications.outbound import Refusal
from lindungi.notifications.sending import send_due

JAKARTA = ZoneInfo("Asia/Jakarta")
# A Wednesday: inside the weekday window 08:00-17:00, and after it.
INSIDE = datetime(2026, 12, 2, 10, 0, tzinfo=JAKARTA)
OUTSIDE = datetime(2026, 12, 2, 20, 0, tzinfo=JAKARTA)
NEXT_OPENING = datetime(2026, 12, 3, 8, 0, tzinfo=JAKARTA)
WEEKDAYS = {"days": [1, 2, 3, 4, 5], "start": "08:00", "end": "17:00"}
CHANNELS = ("email", "sms", "whatsapp")
TEXT = "Halo, mohon telepon kami kembali."


def send_through_the_page(client, url):
    """On a message page whose contact marks only email safe: an SMS is refused and the
    sender told why, an email is sent; returns the page listing both."""
    page = client.get(url)
    assert page.status_code == 200
    token = page.context["form"]["form_token"].value()
    with time_machine.travel(INSIDE, tick=False):
        answer = client.post(
            url, {"channel": "sms", "text": TEXT, "form_token": token}, follow=True
        )
        assert answer.status_code == 200
        refusal = str(Refusal.NOT_SAFE.label)
        assert any(refusal in str(m) for m in answer.context["messages"])
        token = answer.context["form"]["form_token"].value()
        client.post(url, {"channel": "email", "text": TEXT, "form_token": token})
        send_due()
    listed = client.get(url).content.decode()
    assert TEXT in listed and "message-refused" in listed and "message-sent" in listed
    return listed
