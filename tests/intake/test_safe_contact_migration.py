"""Reports saved before safe contact became data keep what they said: a plain span of safe
times becomes a window for each safe channel; any other text stays, as a note."""

import importlib

from django.apps import apps

from lindungi.intake import actions
from lindungi.intake.models import Report

migration = importlib.import_module("lindungi.intake.migrations.0004_structured_safe_contact")


def old_report(channels, times):
    report, _pin = actions.receive_public_report({"what_happened": "x"})
    Report.objects.filter(pk=report.pk).update(safe_channels=channels)
    report.refresh_from_db()
    report.safe_times = times
    report.save(update_fields=["safe_times"])
    return report


def test_old_safe_times_become_windows_or_stay_as_a_note(db):
    span = old_report(["call", "sms"], "08.00 - 17.00")
    words = old_report(["call"], "when he is at work")
    no_channel = old_report([], "09:00-12:00")
    migration.windows_from_safe_times(apps, None)
    window = {"days": [1, 2, 3, 4, 5, 6, 7], "start": "08:00", "end": "17:00"}
    span.refresh_from_db()
    assert span.contact_windows == {"call": [window], "sms": [window]} and span.safe_times == ""
    words.refresh_from_db()
    assert words.contact_windows == {} and words.safe_times == "when he is at work"
    no_channel.refresh_from_db()
    assert no_channel.contact_windows == {} and no_channel.safe_times == "09:00-12:00"
