"""Classification rules (GBVIMS, SIMFONI-PPA, UU TPKS; see docs/glossary.md), as pure
functions: computed, never typed.

Keeping them free of the database makes the rules easy to read against the standard and to
test with a table of cases.
"""

import calendar
from datetime import date

from django.utils.translation import gettext_lazy as _

from lindungi.cases.vocabulary import (
    INTIMATE_PARTNERS,
    ContextFlag,
    Difficulty,
    GbvType,
    PerpetratorAgeGroup,
    ReportingDelay,
    Sex,
    SimfoniAgeBand,
    ViolenceType,
    VulnerableGroup,
)

CHILD_UNDER = 18  # UU 35/2014
OLDER_FROM = 60  # UU 13/1998

# GBVIMS: asked as yes/no questions in this order; the first yes decides the core type.
GBV_QUESTIONS = [
    (
        GbvType.RAPE,
        _("Was there non-consensual penetration, however slight (marital rape included)?"),
    ),
    (
        GbvType.SEXUAL_ASSAULT,
        _("Was there non-consensual sexual contact without penetration (attempted rape included)?"),
    ),
    (GbvType.PHYSICAL_ASSAULT, _("Was there physical assault?")),
    (GbvType.FORCED_MARRIAGE, _("Was it a forced marriage (early marriage included)?")),
    (
        GbvType.DENIAL_OF_RESOURCES,
        _("Was the survivor denied resources, opportunities or services (not general poverty)?"),
    ),
    (GbvType.PSYCHOLOGICAL_ABUSE, _("Was there psychological or emotional abuse?")),
]
SEXUAL_TYPES = {GbvType.RAPE, GbvType.SEXUAL_ASSAULT}


def is_sexual(gbv, violence_types):
    """Sexual violence by either coding: the GBVIMS type or the SIMFONI types."""
    return gbv in SEXUAL_TYPES or ViolenceType.SEKSUAL in (violence_types or ())


def gbv_type(answers):
    """The core type from yes/no answers keyed by type: the first yes in order decides.

    ``answers`` may stop at the first yes (the form stops asking there). A question left
    unanswered before any yes means the type is not decided yet: ``None``.
    """
    for gbv, _question in GBV_QUESTIONS:
        answer = answers.get(gbv)
        if answer is None:
            return None
        if answer:
            return gbv
    return GbvType.NON_GBV


def next_gbv_question(answers):
    """The next question to ask, or ``None`` when the type is decided."""
    for gbv, question in GBV_QUESTIONS:
        answer = answers.get(gbv)
        if answer is None:
            return gbv, question
        if answer:
            return None
    return None


def age_on(birth_date, on):
    """Whole years between a date of birth and a day."""
    if birth_date is None or on is None:
        return None
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def is_intimate_partner(relationship):
    """A current or former partner: spouse, boyfriend or girlfriend, or former partner."""
    return relationship in INTIMATE_PARTNERS


def groups_day(incident_days, opened_on):
    """The day a survivor's age is counted on for the vulnerable groups: her first incident
    (each counted on its date, or the day it was reported when the date is not known), or
    the day the case was opened when no incident is recorded yet. A girl hurt at 17 stays a
    child of the case when she turns 18 during it."""
    days = [day for day in incident_days if day is not None]
    return min(days) if days else opened_on


def has_disability(wg_answers):
    """Washington Group: 'a lot of difficulty' or 'cannot do at all' in any domain."""
    return any(a in (Difficulty.A_LOT, Difficulty.CANNOT) for a in (wg_answers or {}).values())


def vulnerable_groups(sex, age, wg_answers):
    """The four vulnerable groups (docs/glossary.md); one person may be in several."""
    groups = set()
    if age is not None and age < CHILD_UNDER:
        groups.add(VulnerableGroup.CHILD)
    if age is not None and age >= OLDER_FROM:
        groups.add(VulnerableGroup.OLDER_PERSON)
    if has_disability(wg_answers):
        groups.add(VulnerableGroup.DISABILITY)
    if sex == Sex.FEMALE and age is not None and age >= CHILD_UNDER:
        groups.add(VulnerableGroup.WOMAN)
    return groups


def context_flags(
    gbv,
    survivor_age,
    *,
    goods_exchanged=False,
    abducted=False,
    intimate_partner=False,
    harmful_practice=False,
):
    """GBVIMS context flags, computed from the incident's facts."""
    flags = set()
    child = survivor_age is not None and survivor_age < CHILD_UNDER
    if gbv in SEXUAL_TYPES:
        if child:
            flags.add(ContextFlag.CHILD_SEXUAL_ABUSE)
        if goods_exchanged:
            flags.add(ContextFlag.SEXUAL_EXPLOITATION)
        if abducted:
            flags.add(ContextFlag.SEXUAL_SLAVERY)
    if gbv == GbvType.FORCED_MARRIAGE and child:
        flags.add(ContextFlag.EARLY_MARRIAGE)
    if intimate_partner:
        flags.add(ContextFlag.INTIMATE_PARTNER)
    if harmful_practice:
        flags.add(ContextFlag.HARMFUL_PRACTICE)
    return flags


def _add_month(day):
    """The same day next month, or that month's last day (31 January -> 28 February)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reporting_delay(incident_date, reported_on):
    """GBVIMS band of the time from incident to report. Rape care depends on the first
    band: post-exposure prophylaxis works only within 72 hours."""
    if incident_date is None or reported_on is None:
        return None
    days = (reported_on - incident_date).days
    if days <= 3:
        return ReportingDelay.DAYS_0_3
    if days <= 5:
        return ReportingDelay.DAYS_4_5
    if days <= 14:
        return ReportingDelay.DAYS_6_14
    if reported_on <= _add_month(incident_date):
        return ReportingDelay.WEEKS_2_MONTH_1
    return ReportingDelay.OVER_MONTH


# SIMFONI's age bands, each with its oldest age; older than the last is 60 and over. Also
# written as SQL by the row-level export (``stats/exports/rows.py``).
SIMFONI_AGE_BANDS = (
    (5, SimfoniAgeBand.AGE_0_5),
    (12, SimfoniAgeBand.AGE_6_12),
    (17, SimfoniAgeBand.AGE_13_17),
    (24, SimfoniAgeBand.AGE_18_24),
    (44, SimfoniAgeBand.AGE_25_44),
    (59, SimfoniAgeBand.AGE_45_59),
)
OLDEST_AGE_BAND = SimfoniAgeBand.AGE_60_PLUS


def simfoni_age_band(age):
    if age is None:
        return None
    for upper, band in SIMFONI_AGE_BANDS:
        if age <= upper:
            return band
    return OLDEST_AGE_BAND


def perpetrator_age_group(age):
    if age is None:
        return PerpetratorAgeGroup.UNKNOWN
    for upper, group in ((11, "0-11"), (17, "12-17"), (25, "18-25"), (40, "26-40"), (60, "41-60")):
        if age <= upper:
            return PerpetratorAgeGroup(group)
    return PerpetratorAgeGroup.AGE_61_PLUS
