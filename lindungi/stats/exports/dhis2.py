"""DHIS2 aggregate data: a ``dataValueSets`` document for one month and one kota, from the
administrator's mapping (``Dhis2Mapping``: our measure, dimension and value -> a data
element and a category option combo; ``Dhis2OrgUnit``: kota -> organisation unit). The
command (``lindungi stats-dhis2``) and the page build it with the same function, so they
give the same file. Zeros are left out, as DHIS2 drops them unless told to keep them."""

import re
from datetime import date

from django.conf import settings

from lindungi.stats import tables
from lindungi.stats.exports.simfoni import month_filters
from lindungi.stats.models import Dhis2Mapping, Dhis2OrgUnit

UID = re.compile(r"^[A-Za-z][A-Za-z0-9]{10}$")
PERIOD = re.compile(r"^\d{4}(0[1-9]|1[0-2])$")


def problems(kota=""):
    """What is wrong with the mapping (the ``--dry-run`` check): a list of sentences."""
    found = []
    pairs = {}
    if not settings.STATS_DHIS2_DATASET or not UID.match(settings.STATS_DHIS2_DATASET):
        found.append("LINDUNGI_DHIS2_DATASET is not a DHIS2 identifier (11 characters).")
    for row in Dhis2Mapping.objects.order_by("measure", "dimension", "value"):
        if not UID.match(row.data_element):
            found.append(f"{row}: data element {row.data_element!r} is not a DHIS2 identifier.")
        if row.category_option_combo and not UID.match(row.category_option_combo):
            found.append(f"{row}: category option combo is not a DHIS2 identifier.")
        pair = (row.data_element, row.category_option_combo)
        if pair in pairs:
            found.append(f"{row} and {pairs[pair]} send to the same data value.")
        pairs[pair] = row
    if not pairs:
        found.append("The mapping is empty.")
    if kota and not Dhis2OrgUnit.objects.filter(kota=kota).exists():
        found.append(f"Kota {kota} has no organisation unit.")
    return found


def value_set(period, kota):
    """The dataValueSets document for ``period`` ('yyyyMM') and ``kota``."""
    if not PERIOD.match(period):
        raise ValueError("period must be yyyyMM")
    filters = month_filters(f"{period[:4]}-{period[4:]}", kota)
    org_unit = Dhis2OrgUnit.objects.filter(kota=kota).values_list("org_unit", flat=True).first()
    values = []
    for row in Dhis2Mapping.objects.order_by("data_element", "category_option_combo"):
        counts = tables.by(filters, row.measure, row.dimension, "value")
        n = counts.get((row.value,), 0)
        if n:
            value = {"dataElement": row.data_element, "value": str(n)}
            if row.category_option_combo:
                value["categoryOptionCombo"] = row.category_option_combo
            values.append(value)
    end = filters.end
    return {
        "dataSet": settings.STATS_DHIS2_DATASET,
        "completeDate": date(end.year, end.month, end.day).isoformat(),
        "period": period,
        "orgUnit": org_unit or "",
        "dataValues": values,
    }
