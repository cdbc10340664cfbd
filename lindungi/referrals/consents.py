"""Which consents are in force, and whether one covers a share (DESIGN rule 5).

Every share asks here on the server: a referral is sent, and a partner reads it, only while
``covers`` finds a consent in force for this purpose, this recipient and these data. A
withdrawn or expired consent is out of ``current`` at once, so whatever it covered stops
with it. The statistics count an incident's survivor only while ``current()`` holds a
consent of purpose ``ConsentPurpose.STATISTICS`` for her.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from lindungi.accounts.models import Unit
from lindungi.cases.models import Case, Client
from lindungi.referrals.models import Consent, ConsentPurpose


def current(at: datetime | None = None) -> QuerySet[Consent]:
    """The consents in force at ``at`` (now): given by then, not withdrawn, not expired."""
    at = at or timezone.now()
    day = timezone.localdate(at)
    return Consent.objects.filter(
        Q(given_at__lte=at),
        Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=at),
        Q(valid_until__isnull=True) | Q(valid_until__gte=day),
    )


def covers(
    case: Case,
    client: Client,
    purpose: ConsentPurpose,
    recipient: Unit | None = None,
    categories: Iterable[str] = (),
    *,
    kind: str = "",
    at: datetime | None = None,
) -> Consent | None:
    """The consent in force that covers sharing ``categories`` of ``client`` on ``case`` for
    ``purpose``, or None. For a referral the consent names ``recipient``, or names no
    organisation and the kind of service ``kind`` it gives."""
    wanted = set(categories)
    found = current(at).filter(case=case, client=client, purpose=purpose)
    if purpose == ConsentPurpose.REFERRAL:
        named = Q(recipient=recipient) if recipient is not None else Q(pk__in=[])
        by_kind = Q(recipient__isnull=True, recipient_kind=kind) if kind else Q(pk__in=[])
        found = found.filter(named | by_kind)
    # Categories are a short JSON list: compared here, the same on SQLite and PostgreSQL.
    for consent in found.order_by("-given_at"):
        if wanted <= set(consent.categories):
            return consent
    return None
