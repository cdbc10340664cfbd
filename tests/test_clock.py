"""The run's clock is where `--clock` put it (tests/clock.py), or the real one without it."""

from datetime import UTC, datetime, timedelta

from django.utils import timezone
from time_machine import escape_hatch

from tests.clock import moved_to

# The run takes minutes; an hour leaves room for a slow machine.
LONGEST_RUN = timedelta(hours=1)


def real_now():
    """The machine's clock, past any travel (time-machine's escape hatch)."""
    if not escape_hatch.is_travelling():
        return datetime.now(UTC)
    return datetime.fromtimestamp(escape_hatch.time.time(), tz=UTC)


def test_the_clock_stands_where_the_run_put_it(pytestconfig):
    moved = moved_to(pytestconfig)
    now = timezone.now()
    if moved is None:
        assert abs(now - real_now()) < timedelta(seconds=5)
    else:
        assert moved <= now < moved + LONGEST_RUN
        assert abs(now - real_now()) > LONGEST_RUN


def test_the_moved_clock_ticks(pytestconfig):
    first = timezone.now()
    while timezone.now() == first:
        pass
    assert timezone.now() > first
