"""Authenticator (TOTP) devices and recovery codes: enrol, verify, replace, reset.

The devices are django-otp devices of our own (``mfa/models.py``): the TOTP secret is
encrypted at rest and recovery codes are kept only as hashes. An authenticator refuses a
code of a time step it has already accepted (its ``last_t``), so a code seen over
someone's shoulder cannot be replayed; a recovery code is deleted when it is used.
"""

import io
from base64 import b32encode
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.db import transaction
from django_otp import verify_token
from django_otp.oath import TOTP
from django_otp.util import random_hex

from lindungi.accounts.mfa.models import (
    RECOVERY_CODE_LENGTH,
    Authenticator,
    EnrolmentCode,
    RecoveryCode,
    RecoveryCodes,
    random_code,
)

RECOVERY_CODE_COUNT = 10
SECRET_BYTES = 20  # 160 bits, as RFC 4226 recommends for HMAC-SHA1


def new_secret():
    """A fresh TOTP secret (hex) for an enrolment in progress."""
    return random_hex(SECRET_BYTES)


def authenticator(user):
    """The user's confirmed TOTP device, or None before enrolment."""
    return Authenticator.objects.devices_for_user(user, confirmed=True).first()


def recovery_device(user):
    return RecoveryCodes.objects.devices_for_user(user, confirmed=True).first()


def has_second_factor(user):
    return authenticator(user) is not None


def base32_secret(secret):
    """The secret as authenticator apps take it (it is kept as hex)."""
    return b32encode(bytes.fromhex(secret)).decode()


def manual_entry_key(secret):
    """The secret as people type it into an app: base32 in groups of four."""
    text = base32_secret(secret)
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def otpauth_uri(user, secret):
    """The otpauth:// URI an authenticator app reads from the QR code (Key Uri Format)."""
    issuer = settings.OTP_TOTP_ISSUER
    label = quote(f"{issuer}:{user.get_username()}")
    params = {"secret": base32_secret(secret), "algorithm": "SHA1", "digits": 6, "period": 30}
    return f"otpauth://totp/{label}?{urlencode(params)}&issuer={quote(issuer)}"


def qr_svg(user, secret):
    """The QR code of the otpauth URI as an SVG document (no scripts, no style attributes)."""
    buffer = io.BytesIO()
    segno.make(otpauth_uri(user, secret), error="m").save(
        buffer, kind="svg", scale=5, border=2, xmldecl=False
    )
    return buffer.getvalue()


@transaction.atomic
def enrol(user, secret, code):
    """Confirm a new authenticator with a code from it; it replaces any earlier one.

    Returns the new device, or None when the code does not match the secret. The time step
    of the confirming code is recorded as used, so the same code cannot then log in.
    """
    totp = TOTP(bytes.fromhex(secret))
    if not (code.isdigit() and totp.verify(int(code), tolerance=Authenticator.TOLERANCE)):
        return None
    Authenticator.objects.filter(user=user).delete()
    return Authenticator.objects.create(
        user=user,
        name="authenticator",
        key=secret,
        confirmed=True,
        last_t=totp.t(),
        drift=totp.drift,
    )


@transaction.atomic
def issue_recovery_codes(user):
    """Ten new single-use recovery codes; earlier ones stop working. Shown once, never again."""
    RecoveryCodes.objects.filter(user=user).delete()
    device = RecoveryCodes.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [random_code(RECOVERY_CODE_LENGTH) for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(RecoveryCode.for_code(device, code) for code in codes)
    return codes


def recovery_codes_left(user):
    return RecoveryCode.objects.filter(device__user=user).count()


def check_totp(user, code):
    """The user's TOTP device if ``code`` is a valid, unused code from it, else None."""
    device = authenticator(user)
    if device is None:
        return None
    return verify_token(user, device.persistent_id, code)


def check_recovery_code(user, code):
    """The recovery device if ``code`` is one of the user's unused codes (it is used up)."""
    device = recovery_device(user)
    if device is None:
        return None
    return verify_token(user, device.persistent_id, code)


def check_any(user, code):
    """A TOTP code or a recovery code, as the re-authentication form accepts either."""
    return check_totp(user, code) if code.isdigit() else check_recovery_code(user, code)


@transaction.atomic
def remove_second_factor(user):
    """An administrator's reset: the user needs a new enrolment code to set up another.

    An enrolment code issued before the reset goes too: whoever may have seen it must not
    be able to use it on the emptied account.
    """
    Authenticator.objects.filter(user=user).delete()
    RecoveryCodes.objects.filter(user=user).delete()
    EnrolmentCode.objects.filter(user=user).delete()
