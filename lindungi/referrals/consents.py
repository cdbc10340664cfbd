"""Whether a consent covers a share (DESIGN rule 5).

Every share asks here on the server: a referral is sent, and a partner reads it, only while
``covers`` finds a consent in force (``Consent.objects.in_force``) for this purpose, this
recipient and these data. A withdrawn or expired consent is out at once, so whatever it
covered stops with it.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q

from lindungi.accounts.models import Unit
from lindungi.cases.models import Case, Client, Consent, ConsentPurpose


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
    ``purpose``, or None. For a referral the consent names ``recipient`` (and, if it
    names a kind of service too, ``kind``), or names no organisation and the kind of
    service ``kind`` it gives."""
    wanted = set(categories)
    found = Consent.objects.in_force(at).filter(case=case, client=client, purpose=purpose)
    if purpose == ConsentPurpose.REFERRAL:
        # A consent naming the organisation covers it for any service, or for the one it
        # names too.
        named = (
            Q(recipient=recipient) & (Q(recipient_kind="") | Q(recipient_kind=kind))
            if recipient is not None
            else Q(pk__in=[])
        )
        by_kind = Q(recipient__isnull=True, recipient_kind=kind) if kind else Q(pk__in=[])
        found = found.filter(named | by_kind)
    # Categories are a short JSON list: compared here, the same on SQLite and PostgreSQL.
    for consent in found.order_by("-given_at"):
        if wanted <= set(consent.categories):
            return consent
    return None
