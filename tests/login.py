"""Logging test clients in, the whole way: password and a verified second factor.

``log_in(client, user)`` is the fast path every test of a staff page should use (it is
``client.force_login`` plus a verified TOTP device in the session); tests of the login
flow itself go through the forms with ``totp_code``.
"""

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP

from lindungi.accounts.mfa.devices import new_secret
from lindungi.accounts.mfa.models import Authenticator


def authenticator_for(user):
    """The user's confirmed TOTP device, created on first use."""
    device = Authenticator.objects.filter(user=user, confirmed=True).first()
    return device or Authenticator.objects.create(
        user=user, name="test", confirmed=True, key=new_secret()
    )


def log_in(client, user):
    """Log ``user`` in on ``client`` as after a successful code step; returns the device."""
    device = authenticator_for(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def totp_code(device, at=None):
    """The code ``device``'s app shows at ``at`` (a Unix time; default: now)."""
    return code_for_secret(device.key, drift=device.drift, at=at)


def code_for_secret(secret, drift=0, at=None):
    """The code an app set up with ``secret`` (hex) shows at ``at`` (default: now)."""
    totp = TOTP(bytes.fromhex(secret), drift=drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"
