"""What the referrals app hands down when it is ready: its rule to the access module, its
part of the case page and of the supervisor's overview, the words of its timeline."""

from lindungi.cases import case_page
from lindungi.cases.models import Case
from lindungi.cases.timeline import EventKind
from lindungi.cases.timeline_lines import add_kinds
from lindungi.casework import overview_parts
from lindungi.casework.models import ServiceType
from lindungi.referrals import access, overview
from lindungi.referrals.models import Referral

REFERRAL_EVENTS = (
    EventKind.REFERRAL_SENT,
    EventKind.REFERRAL_ACCEPTED,
    EventKind.REFERRAL_DECLINED,
    EventKind.REFERRAL_PROGRESS,
    EventKind.REFERRAL_DONE,
    EventKind.REFERRAL_REVOKED,
    EventKind.REFERRAL_EXPIRED,
    EventKind.REFERRAL_OVERRIDE_REVIEWED,
)


def case_page_part(case: Case, events: object) -> dict[str, object]:
    """The case's referrals, their service, partner and state (the rest on their page)."""
    if not case_page.has(case, "referrals"):
        return {"case_referrals": []}
    return {"case_referrals": list(case.referrals.select_related("provider"))}


def register() -> None:
    # The referral rule joins the access module, which sits below and never names it.
    access.attach()
    # A referral's timeline entries say which service it is for.
    add_kinds({}, dict.fromkeys(REFERRAL_EVENTS, ("service", ServiceType)))
    case_page.add_part(case_page_part, rows={"referrals": Referral.objects.all()})
    case_page.add_section("work", "referrals/case_section.html")
    # Overdue referrals and overrides to review, in the supervisor's overview.
    overview_parts.add_part(overview.overview_part)
    overview_parts.add_section("referrals/overview_section.html")
