"""A separate process that appends audit events, for the concurrency test.

Run as ``python -m tests.audit.writer COUNT READY GO``: it announces it is ready by
creating the file READY, waits for the file GO, then writes COUNT events, every other
pair inside one outer transaction, like an action that records two events.
"""

import os
import sys
import time
from pathlib import Path


def main(count, ready, go):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.db import transaction

    from lindungi.audit.events import record

    def write(n):
        record("case.update", object_type="cases.case", object_id=f"{os.getpid()}-{n}")

    Path(ready).touch()
    while not Path(go).exists():
        time.sleep(0.01)
    for n in range(0, count, 2):
        if n % 4:
            with transaction.atomic():
                write(n)
                write(n + 1)
        else:
            write(n)
            write(n + 1)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], sys.argv[3])
