"""Which incidents statistics count: the ONE rule, used by every count, rollup and export.

GBVIMS practice: an incident is counted only when its survivor consented to statistics,
and never when another agency already reported it (``Incident.reported_elsewhere``), so the
city's figures do not count it twice.
"""

from django.db.models import Exists, OuterRef

from lindungi.cases.models import Consent, ConsentPurpose, Incident


def eligible_incidents(incidents=None, at=None):
    """``incidents`` (every incident by default) narrowed to those statistics count at
    ``at`` (now): the survivor's consent to statistics is in force for this case, and no
    other agency reported it already."""
    queryset = Incident.objects.all() if incidents is None else incidents
    consented = Consent.objects.in_force(at).filter(
        purpose=ConsentPurpose.STATISTICS, case=OuterRef("case"), client=OuterRef("survivor")
    )
    return queryset.filter(Exists(consented), reported_elsewhere=False)
