"""``lindungi worker``: the background loop, backed by the database (no broker).

Every minute it runs each job once. Several workers may run at the same time (on several
machines, or a second one started by mistake): each job claims its work in the database
(the overdue alerts with unique inserts), so work is done once whoever gets there first.
``--once`` runs the jobs one time and exits (for cron, tests, or a manual catch-up).

Log lines carry job names and counts only, never what the work was about.
"""

import logging
import signal
import threading
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from lindungi.casework.overdue import alert_overdue
from lindungi.core import once

logger = logging.getLogger("lindungi.worker")

# (name, job): each job takes no argument and returns how many items it handled.
JOBS = [("overdue_alerts", alert_overdue), ("submit_once_expiry", once.purge)]


def run_jobs():
    """Run every job once; one job failing does not stop the others."""
    for name, job in JOBS:
        started = time.monotonic()
        try:
            handled = job()
        except Exception:
            # The job's own transaction rolled back; the next minute tries again.
            logger.exception("worker job %s failed", name)
            continue
        logger.info(
            "worker job %s handled %s items in %.0f ms",
            name,
            handled,
            (time.monotonic() - started) * 1000,
        )


class Command(BaseCommand):
    help = (
        "Run background jobs (overdue deadline alerts, forgetting expired submit-once keys) "
        "every minute, or once with --once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run the jobs once and exit.")
        parser.add_argument(
            "--interval", type=int, default=60, help="Seconds between runs (default 60)."
        )

    def handle(self, *args, once=False, interval=60, **options):
        if once:
            run_jobs()
            return
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            # Finish the job in hand, then leave: a job is never cut half-way.
            signal.signal(sig, lambda *_args: stop.set())
        logger.info("worker started, every %s seconds", interval)
        while not stop.is_set():
            started = time.monotonic()
            # As Django does per request: drop a connection that broke or grew too old.
            close_old_connections()
            run_jobs()
            stop.wait(max(1.0, interval - (time.monotonic() - started)))
        logger.info("worker stopped")
