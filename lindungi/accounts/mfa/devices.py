"""Authenticator (TOTP) devices and recovery codes: enrol, verify, replace, reset.

django-otp keeps the devices. A TOTP device refuses a code of a time step it has already
accepted (its ``last_t``), so a code seen over someone's shoulder cannot be replayed; a
recovery code is deleted when it is used.
"""

import io
from base64 import b32encode

import segno
from django.db import transaction
from django_otp import verify_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

RECOVERY_CODE_COUNT = 10


def new_secret():
    """A fresh TOTP secret (hex, as django-otp stores it) for an enrolment in progress."""
    return default_key()


def authenticator(user):
    """The user's confirmed TOTP device, or None before enrolment."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def recovery_device(user):
    return StaticDevice.objects.devices_for_user(user, confirmed=True).first()


def has_second_factor(user):
    return authenticator(user) is not None


def base32_secret(secret):
    """The secret as authenticator apps take it (django-otp stores it as hex)."""
    return b32encode(bytes.fromhex(secret)).decode()


def manual_entry_key(secret):
    """The secret as people type it into an app: base32 in groups of four."""
    text = base32_secret(secret)
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def otpauth_uri(user, secret):
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return TOTPDevice(user=user, key=secret).config_url


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
    if not (code.isdigit() and totp.verify(int(code), tolerance=1)):
        return None
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(
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
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user).count()


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
    """An administrator's reset: the user must enrol again at the next login."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
