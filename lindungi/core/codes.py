"""Codes people read aloud and type: survivor codes, report references.

No 0/O and no 1/I, so a code read over a bad phone line is still understood; drawn from
``secrets`` so nobody outside can guess a neighbour or count the records.
"""

import secrets

READABLE = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def readable_code(length):
    return "".join(secrets.choice(READABLE) for _ in range(length))
