"""The names of the counts (``counts``) and of what they are broken down by."""

from django.utils.translation import gettext_lazy as _

MEASURES = {
    "cases": _("Cases"),
    "closures": _("Cases closed"),
    "survivors": _("Survivors"),
    "incidents": _("Incidents"),
    "reports": _("Incidents by report date"),
    "perpetrators": _("Alleged perpetrators"),
    "services": _("Services given"),
}
DIMENSIONS = {
    "total": _("Total"),
    "gbv_type": _("GBVIMS type"),
    "violence": _("SIMFONI violence type"),
    "place": _("Place"),
    "relationship": _("Relationship to the survivor"),
    "sex": _("Sex"),
    "age_band": _("Age at the incident"),
    "disability": _("Disability"),
    "group": _("Vulnerable group"),
    "kecamatan": _("Kecamatan"),
    "kelurahan": _("Kelurahan"),
    "delay": _("Time to report"),
    "age_group": _("Perpetrator age group"),
    "service": _("Service"),
    "flag": _("Context"),
    "age_sex": _("Age and sex"),
}
