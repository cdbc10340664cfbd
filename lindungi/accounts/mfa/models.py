"""What the second factor keeps: authenticator apps, recovery codes and enrolment codes.

Nothing here is stored in a form that logs anyone in. Someone who reads the database (a
backup, a leaked dump) finds:

- the TOTP secret encrypted with the field keys (``EncryptedCharField``; ``rotate-keys``
  re-encrypts it with the rest of the personal data);
- recovery codes and enrolment codes only as password hashes (Django's hashers, checked by
  ``check_password`` in constant time).

Both devices are django-otp devices, so its middleware, ``verify_token`` and ``login`` work
with them as with its own models.
"""

import secrets
import time
from base64 import b32encode

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP

from lindungi.core.fields import EncryptedCharField
from lindungi.core.models import BaseModel

# Codes people read and type: lower-case base32 (no 0/1/8/9 to confuse with letters).
# A recovery code's first characters find its row; only the hash can confirm the rest.
RECOVERY_CODE_LENGTH = 12
SELECTOR_LENGTH = 4
ENROLMENT_CODE_LENGTH = 12


def random_code(length):
    """``length`` random base32 characters, lower-case (5 bits each)."""
    return b32encode(secrets.token_bytes(length)).decode()[:length].lower()


class Authenticator(TimestampMixin, ThrottlingMixin, Device):
    """An authenticator app: RFC 6238 TOTP, 6 digits every 30 seconds, SHA-1.

    ``last_t`` is the time step of the last accepted code: a code of that step or an
    earlier one is refused, so a code seen over someone's shoulder cannot be replayed.
    """

    TOLERANCE = 1  # one step either side: a phone clock up to 30 seconds off still works

    key = EncryptedCharField(_("secret"), max_length=80)  # hex, as django-otp writes it
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)

    class Meta(Device.Meta):
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")

    @property
    def bin_key(self):
        return bytes.fromhex(self.key)

    def totp(self):
        totp = TOTP(self.bin_key, drift=self.drift)
        totp.time = time.time()
        return totp

    def verify_token(self, token):
        allowed, _reason = self.verify_is_allowed()
        if not allowed:
            return False
        token = str(token)
        totp = self.totp()
        if token.isdigit() and totp.verify(int(token), self.TOLERANCE, self.last_t + 1):
            self.last_t = totp.t()
            self.drift = totp.drift
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
            return True
        self.throttle_increment(commit=True)
        return False

    def get_throttle_factor(self):
        return 1


class RecoveryCodes(TimestampMixin, ThrottlingMixin, Device):
    """A user's set of single-use recovery codes, for a lost phone."""

    class Meta(Device.Meta):
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")

    def verify_token(self, token):
        allowed, _reason = self.verify_is_allowed()
        if not allowed:
            return False
        token = str(token)
        # Usually one candidate, so one slow hash per attempt whatever the number of codes.
        candidates = self.codes.filter(selector=token[:SELECTOR_LENGTH])
        match = next((code for code in candidates if code.matches(token)), None)
        if match is None:
            self.throttle_increment(commit=True)
            return False
        match.delete()
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save()
        return True

    def get_throttle_factor(self):
        return 1


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodes, on_delete=models.CASCADE, related_name="codes")
    selector = models.CharField(max_length=SELECTOR_LENGTH)
    hash = models.CharField(max_length=128)

    class Meta:
        indexes = [models.Index(fields=["device", "selector"], name="recovery_code_lookup")]

    def __str__(self):
        return "recovery code"  # never the code or its hash

    @classmethod
    def for_code(cls, device, code):
        return cls(device=device, selector=code[:SELECTOR_LENGTH], hash=make_password(code))

    def matches(self, code):
        return check_password(code, self.hash)


class EnrolmentCode(BaseModel):
    """A one-time code an administrator gives a user to set up their second factor.

    Without it the password alone would be enough to enrol an authenticator on an account
    that has none yet (a new account, or one whose second factor was reset) and lock the
    real user out. One per user: issuing again replaces it.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="enrolment_code",
    )
    hash = models.CharField(max_length=128)
    expires_at = models.DateTimeField(_("valid until"))

    class Meta:
        verbose_name = _("enrolment code")
        verbose_name_plural = _("enrolment codes")

    def __str__(self):
        return "enrolment code"  # never the code or its hash

    def matches(self, code):
        return check_password(code, self.hash)
