from datetime import date

import pytest

from lindungi.cases.classification import (
    age_on,
    context_flags,
    gbv_type,
    next_gbv_question,
    perpetrator_age_group,
    reporting_delay,
    simfoni_age_band,
    vulnerable_groups,
)
from lindungi.cases.vocabulary import ContextFlag as F
from lindungi.cases.vocabulary import Difficulty as D
from lindungi.cases.vocabulary import GbvType as G
from lindungi.cases.vocabulary import Sex
from lindungi.cases.vocabulary import VulnerableGroup as V

ORDER = [
    G.RAPE,
    G.SEXUAL_ASSAULT,
    G.PHYSICAL_ASSAULT,
    G.FORCED_MARRIAGE,
    G.DENIAL_OF_RESOURCES,
    G.PSYCHOLOGICAL_ABUSE,
]


def answers(*yes):
    return {t: t in yes for t in ORDER}


@pytest.mark.parametrize(
    ("yes", "expected"),
    [
        ((G.RAPE, G.PHYSICAL_ASSAULT, G.PSYCHOLOGICAL_ABUSE), G.RAPE),
        ((G.SEXUAL_ASSAULT, G.PHYSICAL_ASSAULT), G.SEXUAL_ASSAULT),
        ((G.PHYSICAL_ASSAULT, G.PSYCHOLOGICAL_ABUSE), G.PHYSICAL_ASSAULT),
        ((G.FORCED_MARRIAGE, G.DENIAL_OF_RESOURCES), G.FORCED_MARRIAGE),
        ((G.DENIAL_OF_RESOURCES, G.PSYCHOLOGICAL_ABUSE), G.DENIAL_OF_RESOURCES),
        ((G.PSYCHOLOGICAL_ABUSE,), G.PSYCHOLOGICAL_ABUSE),
        ((), G.NON_GBV),
    ],
)
def test_the_first_yes_in_the_standard_order_decides(yes, expected):
    assert gbv_type(answers(*yes)) == expected


def test_the_form_stops_asking_at_the_first_yes():
    assert next_gbv_question({})[0] == G.RAPE
    assert next_gbv_question({G.RAPE: False})[0] == G.SEXUAL_ASSAULT
    assert next_gbv_question({G.RAPE: False, G.SEXUAL_ASSAULT: True}) is None
    assert gbv_type({G.RAPE: False, G.SEXUAL_ASSAULT: True}) == G.SEXUAL_ASSAULT


def test_an_unanswered_question_before_any_yes_leaves_the_type_open():
    assert gbv_type({G.RAPE: False}) is None


def test_a_65_year_old_woman_with_a_disability_is_in_three_groups():
    groups = vulnerable_groups(Sex.FEMALE, 65, {"walking": D.A_LOT, "seeing": D.NONE})
    assert groups == {V.OLDER_PERSON, V.DISABILITY, V.WOMAN}


@pytest.mark.parametrize(
    ("sex", "age", "wg", "expected"),
    [
        (Sex.FEMALE, 17, {}, {V.CHILD}),
        (Sex.FEMALE, 18, {}, {V.WOMAN}),
        (Sex.MALE, 10, {"hearing": D.CANNOT}, {V.CHILD, V.DISABILITY}),
        (Sex.MALE, 40, {"hearing": D.SOME}, set()),
        (Sex.MALE, 60, {}, {V.OLDER_PERSON}),
        (Sex.FEMALE, None, {}, set()),
    ],
)
def test_vulnerable_groups_are_derived(sex, age, wg, expected):
    assert vulnerable_groups(sex, age, wg) == expected


def test_age_counts_whole_years():
    assert age_on(date(2008, 11, 29), date(2026, 11, 28)) == 17
    assert age_on(date(2008, 11, 28), date(2026, 11, 28)) == 18
    assert age_on(None, date(2026, 1, 1)) is None


@pytest.mark.parametrize(
    ("gbv", "age", "facts", "expected"),
    [
        (G.RAPE, 15, {}, {F.CHILD_SEXUAL_ABUSE}),
        (G.SEXUAL_ASSAULT, 30, {"goods_exchanged": True}, {F.SEXUAL_EXPLOITATION}),
        (G.RAPE, 30, {"abducted": True}, {F.SEXUAL_SLAVERY}),
        (G.FORCED_MARRIAGE, 16, {}, {F.EARLY_MARRIAGE}),
        (G.FORCED_MARRIAGE, 19, {}, set()),
        (G.PHYSICAL_ASSAULT, 15, {"goods_exchanged": True}, set()),
        (G.PHYSICAL_ASSAULT, 30, {"intimate_partner": True}, {F.INTIMATE_PARTNER}),
        (G.PSYCHOLOGICAL_ABUSE, None, {"harmful_practice": True}, {F.HARMFUL_PRACTICE}),
        (G.RAPE, None, {}, set()),
    ],
)
def test_context_flags_are_computed(gbv, age, facts, expected):
    assert context_flags(gbv, age, **facts) == expected


@pytest.mark.parametrize(
    ("incident", "reported", "band"),
    [
        (date(2026, 1, 1), date(2026, 1, 1), "0-3d"),
        (date(2026, 1, 1), date(2026, 1, 4), "0-3d"),
        (date(2026, 1, 1), date(2026, 1, 5), "4-5d"),
        (date(2026, 1, 1), date(2026, 1, 7), "6-14d"),
        (date(2026, 1, 1), date(2026, 1, 15), "6-14d"),
        (date(2026, 1, 1), date(2026, 1, 16), "2w-1m"),
        (date(2026, 1, 1), date(2026, 2, 1), "2w-1m"),
        (date(2026, 1, 1), date(2026, 2, 2), ">1m"),
        (date(2026, 1, 31), date(2026, 2, 28), "2w-1m"),
        (date(2026, 1, 31), date(2026, 3, 1), ">1m"),
        (date(2026, 12, 20), date(2027, 1, 20), "2w-1m"),
    ],
)
def test_reporting_delay_bands(incident, reported, band):
    assert reporting_delay(incident, reported) == band


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (0, "0-5"),
        (5, "0-5"),
        (6, "6-12"),
        (17, "13-17"),
        (18, "18-24"),
        (44, "25-44"),
        (59, "45-59"),
        (60, "60+"),
    ],
)
def test_simfoni_age_bands(age, band):
    assert simfoni_age_band(age) == band


@pytest.mark.parametrize(
    ("age", "group"),
    [
        (None, "unknown"),
        (11, "0-11"),
        (12, "12-17"),
        (25, "18-25"),
        (40, "26-40"),
        (60, "41-60"),
        (61, "61+"),
    ],
)
def test_perpetrator_age_groups(age, group):
    assert perpetrator_age_group(age) == group
