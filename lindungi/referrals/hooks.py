"""What the referrals app hands down when it is ready: its rule to the access module, the
consent records made from a report's consents when a case opens from it
(``intake.carry.after_carry``)."""

from lindungi.intake import carry
from lindungi.referrals import access, intake_consents


def register() -> None:
    # The referral rule joins the access module, which sits below and never names it.
    access.attach()
    carry.after_carry(intake_consents.from_report)
