from datetime import UTC, datetime, timedelta

import pytest

from lindungi.intake.risk import Risk, due_by, risk_level


@pytest.mark.parametrize(
    ("yes", "expected"),
    [
        ({"in_danger_now"}, Risk.HIGH),
        ({"weapon_or_threat"}, Risk.HIGH),
        ({"child_alone"}, Risk.HIGH),
        ({"self_harm"}, Risk.HIGH),
        ({"sexual_violence_72h"}, Risk.MEDIUM),
        ({"injuries"}, Risk.MEDIUM),
        ({"perpetrator_nearby"}, Risk.MEDIUM),
        ({"injuries", "self_harm"}, Risk.HIGH),
        (set(), Risk.LOW),
    ],
)
def test_the_rule_table(yes, expected):
    names = [
        "in_danger_now",
        "perpetrator_nearby",
        "weapon_or_threat",
        "injuries",
        "child_alone",
        "self_harm",
        "sexual_violence_72h",
    ]
    assert risk_level({n: n in yes for n in names}) == expected


def test_unanswered_questions_count_as_no():
    assert risk_level({"in_danger_now": None, "injuries": None}) == Risk.LOW


def test_due_times_follow_the_sop():
    now = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
    assert due_by(now, Risk.HIGH) == now
    assert due_by(now, Risk.MEDIUM) == now + timedelta(hours=6)
    assert due_by(now, Risk.LOW) == now + timedelta(hours=24)


def test_due_times_are_configurable(settings):
    settings.LINDUNGI_RESPONSE_MINUTES = {"high": 15, "medium": 120, "low": 600}
    now = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
    assert due_by(now, Risk.HIGH) == now + timedelta(minutes=15)
