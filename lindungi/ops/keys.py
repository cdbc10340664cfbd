"""Which keys a copy of the data needs, named without revealing them.

A backup never holds a key (whoever takes the backup would take the keys with it), but
a restore must know at once whether this deployment has the right ones: under other field
keys the personal data cannot be read, under another index key nothing can be found, and
under another audit key the chain does not verify.
"""

from django.conf import settings

from lindungi.core import crypto


def fingerprint(secret):
    """8 hex digits that name a key, as the field keys' ids do (a keyed hash, not the key)."""
    return crypto.key_id(secret.encode() if isinstance(secret, str) else secret)


def in_use():
    """The fingerprints of the keys this deployment runs on, by setting."""
    return {
        "LINDUNGI_FIELD_KEYS": sorted(crypto.keyring().ciphers),
        "LINDUNGI_INDEX_KEY": [fingerprint(crypto.keyring().index_key)],
        "LINDUNGI_AUDIT_KEY": [fingerprint(settings.AUDIT_KEY)],
    }


def missing(needed):
    """The settings (and key fingerprints) a backup needs that this deployment lacks."""
    have = in_use()
    gaps = {}
    for variable, fingerprints in needed.items():
        lacking = sorted(set(fingerprints) - set(have.get(variable, [])))
        if lacking:
            gaps[variable] = lacking
    return gaps
