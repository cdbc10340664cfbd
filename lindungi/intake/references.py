"""Report references that a person can read over the phone.

Ten characters from an alphabet without 0/O and 1/I, in two groups ("LP-7K3M9-QXR2T"),
drawn at random: 32^10 (about 10^15) possibilities, so nobody can guess the next or a
neighbouring reference, and the count of reports says nothing from outside.
"""

from lindungi.core.codes import READABLE as ALPHABET
from lindungi.core.codes import readable_code

PREFIX = "LP"
LENGTH = 10


def new_reference():
    body = readable_code(LENGTH)
    return f"{PREFIX}-{body[:5]}-{body[5:]}"


def normalise_reference(text):
    """The reference as stored, from what a person typed: any case, with or without the
    prefix, dashes or spaces. ``None`` when it cannot be a reference."""
    cleaned = "".join(c for c in str(text).upper() if c.isalnum())
    if cleaned.startswith(PREFIX):
        cleaned = cleaned[len(PREFIX) :]
    if len(cleaned) != LENGTH or any(c not in ALPHABET for c in cleaned):
        return None
    return f"{PREFIX}-{cleaned[:5]}-{cleaned[5:]}"
