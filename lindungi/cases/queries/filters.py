"""The caseload's filters: status, priority, vulnerable group and kota, each narrowing a
queryset of visible cases in SQL."""

from django.core.cache import cache
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.lookups import GreaterThanOrEqual, LessThan

from lindungi.cases import classification
from lindungi.cases.models import Client, ClientRole, Incident, Priority, Status
from lindungi.cases.queries.survivors import WG_FIELDS, day_number, first_incident_day
from lindungi.cases.vocabulary import Difficulty, Sex, VulnerableGroup
from lindungi.places.models import Region, RegionLevel

ACTIVE = "active"  # every status but closed: what a caseload means by default
ALL = "all"

# How long a province's list of kota/kabupaten is kept (seconds). Regions change only when
# an administrator loads a new release of them (``load-regions``), a rare event after which
# the filter may offer the old list for this long. Data, not HTML: the same list on every
# request of a province's users, for a query each time. The time is the invalidation: the
# cache is each server process's own memory (no CACHES setting), which the command that
# loads the regions, a process of its own, cannot reach.
KOTA_CHOICES_SECONDS = 600


def kota_choices(province_code):
    """The kota/kabupaten of a province, for the filter."""
    if not province_code:
        return []
    key = f"cases.kota_choices.{province_code}"
    choices = cache.get(key)
    if choices is None:
        choices = list(
            Region.objects.filter(
                level=RegionLevel.REGENCY_CITY, code__startswith=f"{province_code}."
            ).values_list("code", "name")
        )
        cache.set(key, choices, KOTA_CHOICES_SECONDS)
    return choices


def _groups_day_number():
    """SQL, on a Client: ``classification.groups_day`` as a yyyymmdd number."""
    opened = day_number(TruncDate("case__opened_at"))  # in the deployment's time zone
    return Coalesce(first_incident_day(as_number=True), opened)


def _aged(lookup, years):
    """A Client filter: her age on her groups day ``lookup`` (LessThan, ...) ``years``,
    from the date of birth, or else the estimate (an age, not a date: taken as it is)."""
    span = _groups_day_number() - day_number(F("birth_date"))
    born = Q(birth_date__isnull=False) & Q(lookup(span, years * 10_000))
    estimated = Q(birth_date__isnull=True) & Q(**{f"age_estimate__{lookup.lookup_name}": years})
    return born | estimated


def group_condition(group):
    """A Client filter for one vulnerable group, the same rule as classification's, by her
    age on the day of her first incident (``classification.groups_day``)."""
    if group == VulnerableGroup.CHILD:
        return _aged(LessThan, classification.CHILD_UNDER)
    if group == VulnerableGroup.OLDER_PERSON:
        return _aged(GreaterThanOrEqual, classification.OLDER_FROM)
    if group == VulnerableGroup.WOMAN:
        return Q(sex=Sex.FEMALE) & _aged(GreaterThanOrEqual, classification.CHILD_UNDER)
    if group == VulnerableGroup.DISABILITY:
        severe = [Difficulty.A_LOT, Difficulty.CANNOT]
        condition = Q()
        for name in WG_FIELDS:
            condition |= Q(**{f"{name}__in": severe})
        return condition
    raise ValueError(group)


def filter_cases(queryset, *, status=ACTIVE, priority="", group="", kota=""):
    """Narrow a visible-cases queryset by the caseload's filters (codes already checked)."""
    if status == ACTIVE:
        queryset = queryset.exclude(status=Status.CLOSED)
    elif status in Status.values:
        queryset = queryset.filter(status=status)
    if priority in Priority.values:
        queryset = queryset.filter(priority=priority)
    if group in VulnerableGroup.values or kota:
        survivors = Client.objects.filter(case=OuterRef("pk"), role=ClientRole.SURVIVOR)
    if group in VulnerableGroup.values:
        queryset = queryset.filter(Exists(survivors.filter(group_condition(group))))
    if kota:
        inside = {"kelurahan__code__startswith": f"{kota}."}
        queryset = queryset.filter(
            Exists(survivors.filter(**inside))
            | Exists(Incident.objects.filter(case=OuterRef("pk"), **inside))
        )
    return queryset
