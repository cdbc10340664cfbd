"""`pytest --clock=INSTANT`: the whole run as if now were INSTANT, the clock still ticking.

A test whose outcome depends on today's date or the hour it runs at passes on the day it
was written and fails months later, for everybody. CI therefore runs the suite a second
time with the clock moved more than a year ahead, to a year end, month end and a day that
is not the same in Jakarta and in UTC; anything that reads the wall clock where it should
freeze it shows up there. `LINDUNGI_TEST_CLOCK` does the same as the option.

The move starts before the tests are collected, so module-level constants see it too; a
test's own `time_machine.travel` still wins inside it and hands back to the moved clock.
"""

import os
from datetime import datetime

import pytest
import time_machine

OPTION = "--clock"
ENVIRONMENT = "LINDUNGI_TEST_CLOCK"


def moved_to(config):
    """The instant the run was moved to, or None when it runs at the real time."""
    value = config.getoption(OPTION)
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(f"{OPTION}: not an ISO 8601 instant: {value!r}") from None
    if when.tzinfo is None:
        raise pytest.UsageError(f"{OPTION}: give the UTC offset too, e.g. 2028-01-01T05:30+07:00")
    return when


def pytest_addoption(parser):
    parser.addoption(
        OPTION,
        metavar="INSTANT",
        default=os.environ.get(ENVIRONMENT) or None,
        help="run the suite as if now were INSTANT (ISO 8601 with offset); the clock ticks on",
    )


def pytest_configure(config):
    when = moved_to(config)
    if when is not None:
        config._moved_clock = time_machine.travel(when, tick=True)
        config._moved_clock.start()


def pytest_unconfigure(config):
    traveller = getattr(config, "_moved_clock", None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config):
    when = moved_to(config)
    return f"clock moved to {when.isoformat()}" if when else None
