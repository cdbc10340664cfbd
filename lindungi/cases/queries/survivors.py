"""SQL about a case's survivors that both the caseload's rows and its filters use: the day
of her first incident, dates as numbers to compare ages by, her Washington Group answers."""

from django.db import models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear

from lindungi.cases.models import Incident
from lindungi.cases.vocabulary import WG_DOMAINS

WG_FIELDS = [f"wg_{domain}" for domain, _label in WG_DOMAINS]


def day_number(day):
    """A date as the number yyyymmdd. Between two of them, ``later - earlier`` is below
    ``n * 10_000`` exactly when fewer than ``n`` whole years lie between the dates, 29
    February included: the rule of ``classification.age_on``, in SQL that SQLite and
    PostgreSQL both run (their date arithmetic differs on 29 February)."""
    return ExtractYear(day) * 10_000 + ExtractMonth(day) * 100 + ExtractDay(day)


def first_incident_day(as_number=False):
    """SQL, on a Client: the day of her first incident (each counted on its date, or the day
    it was reported), as a date or a yyyymmdd number (``day_number``); NULL for none."""
    day = Coalesce("occurred_on", "reported_on")
    first = (
        Incident.objects.filter(survivor=OuterRef("pk"))
        .annotate(day=day_number(day) if as_number else day)
        .order_by("day")
        .values("day")[:1]
    )
    return Subquery(first, output_field=models.IntegerField() if as_number else models.DateField())
