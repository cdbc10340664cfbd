"""What the referrals app hands down when it is ready: the consent records made from a
report's consents when a case opens from it (``intake.carry.after_carry``)."""

from lindungi.intake import carry
from lindungi.referrals import intake_consents


def register() -> None:
    carry.after_carry(intake_consents.from_report)
