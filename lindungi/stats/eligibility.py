"""Which incidents statistics count: the ONE rule, used by every count, rollup and export.

GBVIMS practice: an incident is counted only when its survivor consented to statistics,
and never when another agency already reported it (``Incident.reported_elsewhere``), so the
city's figures do not count it twice.
"""

from lindungi.cases.models import Incident


def eligible_incidents(incidents=None):
    """``incidents`` (every incident by default) narrowed to those statistics count."""
    queryset = Incident.objects.all() if incidents is None else incidents
    return queryset.filter(reported_elsewhere=False)
