"""Enrolment codes: an administrator's say-so before someone sets up a second factor.

An account without a second factor (new, or reset) would otherwise be taken over by
whoever knows the password: they would enrol their own phone. So enrolment first asks for
a one-time code that an administrator issued to that user and handed over through a
trusted channel (in person, by phone to a known number). It is kept only as a hash, is
valid for ``ENROLMENT_CODE_LIFETIME`` (24 hours), is used up when accepted, and issuing a
new one replaces the old.
"""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from lindungi.accounts.mfa.events import record_mfa
from lindungi.accounts.mfa.models import ENROLMENT_CODE_LENGTH, EnrolmentCode, random_code


def display(code):
    """The code as the administrator reads it out: upper case, in groups of four."""
    text = code.upper()
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


@transaction.atomic
def issue(user, *, request=None, actor=None):
    """A new enrolment code for ``user`` (any earlier one stops working); returns it.

    The code itself is returned once, to be shown to the administrator; only its hash
    is stored. ``actor`` is for the command line, where there is no request.
    """
    code = random_code(ENROLMENT_CODE_LENGTH)
    EnrolmentCode.objects.update_or_create(
        user=user,
        defaults={
            "hash": make_password(code),
            "expires_at": timezone.now() + settings.ENROLMENT_CODE_LIFETIME,
        },
    )
    record_mfa("enrolment_code_issued", request, actor=actor, subject=user)
    return code


def pending(user):
    """The user's unexpired enrolment code, or None."""
    return EnrolmentCode.objects.filter(user=user, expires_at__gt=timezone.now()).first()


@transaction.atomic
def redeem(user, code):
    """Use up ``user``'s enrolment code if ``code`` is it and still valid; True if so.

    The row is locked, so two attempts at once cannot both succeed.
    """
    issued = (
        EnrolmentCode.objects.select_for_update()
        .filter(user=user, expires_at__gt=timezone.now())
        .first()
    )
    if issued is None or not issued.matches(code):
        return False
    issued.delete()
    return True
