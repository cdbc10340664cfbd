"""A separate process that records audit events, for the concurrency test.

Run as ``python -m tests.audit.writer COUNT READY GO [THREADS]``: it announces it is ready
by creating the file READY, waits for the file GO, then each of THREADS threads (one by
default, each with its own database connection) records COUNT events, every other pair
inside one outer transaction, like an action that records two events. Each event is
sealed, or not, by whichever process wins the chain lock after its commit.
"""

import os
import sys
import threading
import time
from pathlib import Path


def main(count, ready, go, threads=1):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.db import connection, transaction

    from lindungi.audit.events import record

    def write(n):
        name = f"{os.getpid()}-{threading.get_ident() % 100000}-{n}"
        record("case.update", object_type="cases.case", object_id=name)

    def writer():
        try:
            for n in range(0, count, 2):
                if n % 4:
                    with transaction.atomic():
                        write(n)
                        write(n + 1)
                else:
                    write(n)
                    write(n + 1)
        finally:
            connection.close()

    Path(ready).touch()
    while not Path(go).exists():
        time.sleep(0.01)
    running = [threading.Thread(target=writer) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], sys.argv[3], *(int(a) for a in sys.argv[4:]))
