"""The referrals app's actions: consents (``consents``) and referrals (``referrals``)."""

from lindungi.referrals.actions.consents import record_consent, withdraw_consent
from lindungi.referrals.actions.referrals import (
    OverrideRefused,
    accept,
    decline,
    expire_overdue,
    record_outcome,
    record_progress,
    review_override,
    revoke,
    send_referral,
)

__all__ = [
    "OverrideRefused",
    "accept",
    "decline",
    "expire_overdue",
    "record_consent",
    "record_outcome",
    "record_progress",
    "review_override",
    "revoke",
    "send_referral",
    "withdraw_consent",
]
