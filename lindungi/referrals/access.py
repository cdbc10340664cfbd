"""Who sees and acts on a referral: the referral's rule, which joins the access module
(``cases/access.py``) at start-up, so that ``Referral.objects.restrict(user, need)`` is the
one way a referral is read (docs/architecture.md, "Layers" and rule 2).

A referral is seen by:
- those who may ``need`` its case (the case's own rule, unchanged): the sender's side;
- the partner officers of the organisation it was sent to, and only while a consent in
  force covers it (or a server-decided emergency override does): to read it and its shared
  fields (VIEW, CONTENT) and to answer it (EDIT) while it is open; to see their own outcome
  record (VIEW) once it is done. Never its case, never another organisation's referral,
  never anything once it is revoked, declined or expired. Withdrawing the consent ends this
  at once: the condition is asked again on every read.

A referral out of reach answers 404 like an id that does not exist, and the attempt is
audited, as for a case.
"""

import uuid
from collections.abc import Callable

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from lindungi.accounts.models import User
from lindungi.accounts.roles import Role, UnitType
from lindungi.cases import access as case_access
from lindungi.cases.access import AnyUser, Condition, Need
from lindungi.cases.models import Consent
from lindungi.referrals.models import OPEN_REFERRAL, Referral, ReferralStatus

NEVER = Q(pk__in=[])
# What a partner officer may do with a referral to their organisation, and in which states.
PARTNER_STATES = {
    Need.VIEW: (*OPEN_REFERRAL, ReferralStatus.DONE),
    Need.CONTENT: OPEN_REFERRAL,
    Need.EDIT: OPEN_REFERRAL,
}


def partner_units(user: AnyUser) -> list[uuid.UUID]:
    """The partner organisations ``user`` is a partner officer of."""
    if not isinstance(user, User) or not user.is_active:
        return []
    return [
        m.unit_id
        for m in user.memberships.select_related("unit")
        if m.role == Role.PARTNER_OFFICER
        and m.unit.type == UnitType.PARTNER_AGENCY
        and m.unit.is_active
    ]


def consented() -> Q:
    """A referral whose consent is in force now, or one the server let through without."""
    return Q(consent__in=Consent.objects.in_force().values("pk")) | Q(overridden=True)


def referral_rule(user: AnyUser, need: Need, through_case: Callable[[Need], Condition]) -> Q:
    """The condition on referral rows for ``user`` and ``need`` (the module's docstring)."""
    if not isinstance(user, User) or not user.is_active:
        return NEVER
    rule = Q(through_case(need))
    units = partner_units(user) if need in PARTNER_STATES else []
    if units:
        rule |= Q(provider_id__in=units, status__in=PARTNER_STATES[need]) & consented()
    return rule


def attach() -> None:
    """Hand the rule down to the access module (``ReferralsConfig.ready``)."""
    case_access.add_rule(Referral, referral_rule)


def may(user: AnyUser, referral: Referral, need: Need) -> bool:
    return Referral.objects.restrict(user, need).filter(pk=referral.pk).exists()


def is_partner_side(user: AnyUser, referral: Referral) -> bool:
    """Whether ``user`` reads ``referral`` as its partner (then never its case)."""
    return referral.provider_id in partner_units(user)


def get_referral_for(
    user: AnyUser,
    referral_id: object,
    need: Need = Need.VIEW,
    *,
    request: HttpRequest | None = None,
) -> Referral:
    """The referral, if ``user`` may ``need`` it; otherwise 404, and the attempt audited."""
    return case_access.get_part_for(user, Referral, referral_id, need, request=request)


def awaiting_review(user: AnyUser) -> "QuerySet[Referral]":
    """The emergency overrides ``user`` may review (the supervisor's review queue): sent
    without a covering consent, not reviewed yet, by someone else, on a case they supervise."""
    return (
        Referral.objects.restrict(user, Need.SUPERVISE)
        .filter(overridden=True, override_reviewed_at__isnull=True)
        .exclude(sent_by_id=getattr(user, "pk", None))
    )
