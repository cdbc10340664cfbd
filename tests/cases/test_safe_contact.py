"""Safe contact as data: is it safe to contact her by this channel at this instant?"""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.core.exceptions import ValidationError

from lindungi.cases.safe_contact import clean_windows, describe, is_safe_to_contact, parse_times

WEEKDAYS_8_TO_17 = {"call": [{"days": [1, 2, 3, 4, 5], "start": "08:00", "end": "17:00"}]}
# "Only in the evening": 20:00 on Friday and Saturday into the next morning's 02:00.
OVER_MIDNIGHT = {"sms": [{"days": [5, 6], "start": "20:00", "end": "02:00"}]}
WIB = timezone(timedelta(hours=7))


def at(days_after_monday, hour, minute=0):
    """A time in Jakarta, ``days_after_monday`` days after Monday 30 November 2026."""
    return datetime(2026, 11, 30, hour, minute, tzinfo=WIB) + timedelta(days=days_after_monday)


def test_a_channel_not_marked_safe_is_never_safe():
    assert not is_safe_to_contact(["sms"], {}, "call", at(0, 10))


def test_a_safe_channel_without_windows_is_safe_at_any_time():
    assert is_safe_to_contact(["whatsapp"], {}, "whatsapp", at(6, 3))


@pytest.mark.parametrize(
    ("instant", "safe"),
    [
        (at(0, 8), True),  # Monday 08:00 WIB: the window opens
        (at(0, 16, 59), True),
        (at(0, 17), False),  # the end is not in the window
        (at(0, 7, 59), False),
        (at(5, 10), False),  # Saturday
        # The same instants said in other zones: the deployment's zone decides.
        (datetime(2026, 11, 30, 1, 0, tzinfo=UTC), True),  # Monday 08:00 WIB
        (datetime(2026, 11, 30, 0, 59, tzinfo=UTC), False),  # Monday 07:59 WIB
        (datetime(2026, 11, 29, 20, 30, tzinfo=timezone(timedelta(hours=-5))), True),  # 08:30 WIB
        (datetime(2026, 11, 30, 20, 0, tzinfo=timezone(timedelta(hours=9))), False),  # 18:00 WIB
    ],
)
def test_a_weekday_window_in_the_deployments_time_zone(settings, instant, safe):
    settings.TIME_ZONE = "Asia/Jakarta"
    assert is_safe_to_contact(["call"], WEEKDAYS_8_TO_17, "call", instant) is safe


@pytest.mark.parametrize(
    ("instant", "safe"),
    [
        (at(4, 20), True),  # Friday 20:00
        (at(4, 23, 59), True),
        (at(5, 1, 59), True),  # Saturday 01:59: still Friday's window
        (at(5, 2), False),
        (at(5, 21), True),  # Saturday evening
        (at(6, 1), True),  # Sunday 01:00: Saturday's window
        (at(6, 21), False),  # Sunday evening: not a window day
        (at(0, 1), False),  # Monday 01:00: Sunday had no window
        (at(4, 1), False),  # Friday 01:00: Thursday had no window
    ],
)
def test_a_window_over_midnight_belongs_to_the_day_it_starts(instant, safe):
    assert is_safe_to_contact(["sms"], OVER_MIDNIGHT, "sms", instant) is safe


def test_several_windows_any_one_is_enough():
    windows = {
        "call": [
            {"days": [1], "start": "08:00", "end": "09:00"},
            {"days": [1], "start": "18:00", "end": "19:00"},
        ]
    }
    assert is_safe_to_contact(["call"], windows, "call", at(0, 18, 30))
    assert not is_safe_to_contact(["call"], windows, "call", at(0, 12))


@pytest.mark.parametrize(
    "windows",
    [
        {"sms": [{"days": [1], "start": "08:00", "end": "09:00"}]},  # not a safe channel
        {"call": [{"days": [], "start": "08:00", "end": "09:00"}]},
        {"call": [{"days": [8], "start": "08:00", "end": "09:00"}]},
        {"call": [{"days": [1], "start": "8 am", "end": "09:00"}]},
        {"call": [{"days": [1], "start": "09:00", "end": "09:00"}]},
        {"call": [{"days": [1], "start": "08:00"}]},
        {"call": "08:00-09:00"},
        ["call"],
    ],
)
def test_malformed_windows_are_refused(windows):
    with pytest.raises(ValidationError):
        clean_windows(["call"], windows)


def test_windows_are_normalised():
    cleaned = clean_windows(
        ["call"], {"call": [{"days": [3, 1, 1], "start": "8:05", "end": "17:00"}]}
    )
    assert cleaned == {"call": [{"days": [1, 3], "start": "08:05", "end": "17:00"}]}


@pytest.mark.parametrize(
    ("text", "window"),
    [
        ("08:00-17:00", ("08:00", "17:00")),
        ("jam 9 sampai 15", ("09:00", "15:00")),
        ("20.00 – 02.00", ("20:00", "02:00")),
        ("after 18:00", None),
        ("when her husband is at work", None),
        ("25:00-26:00", None),
        ("", None),
    ],
)
def test_old_free_text_becomes_a_window_only_when_it_says_a_plain_span(text, window):
    parsed = parse_times(text)
    if window is None:
        assert parsed is None
    else:
        assert (parsed["start"], parsed["end"]) == window and len(parsed["days"]) == 7


def test_a_window_in_words():
    assert describe({"days": [1, 2, 3, 4, 5, 6, 7], "start": "08:00", "end": "17:00"}) == (
        "Every day: 08:00–17:00"
    )
