"""The referrals part of the supervisor's overview (``casework.overview_parts``): the unit's
referrals nobody accepted in time or still open after the time to accept, and those sent by
emergency override that wait for a supervisor's review. Read through the access module."""

from datetime import datetime
from typing import Any

from django.db.models import Q

from lindungi.cases.access import Need
from lindungi.referrals.models import Referral, ReferralStatus

SHOWN = 20


def overview_part(user: Any, unit: Any, now: datetime) -> dict[str, Any]:
    mine = Referral.objects.restrict(user, Need.VIEW).filter(case__unit=unit)
    overdue = mine.filter(status=ReferralStatus.SENT, accept_by__lte=now)
    to_review = mine.filter(overridden=True, override_reviewed_at__isnull=True)
    rows = Q(pk__in=overdue.values("pk")) | Q(pk__in=to_review.values("pk"))
    return {
        "referrals_overdue": list(
            mine.filter(rows).select_related("case", "provider").order_by("sent_at")[:SHOWN]
        ),
        "referrals_overdue_count": overdue.count(),
        "referrals_to_review_count": to_review.count(),
    }
