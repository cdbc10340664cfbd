"""``lindungi worker``: the background loop, backed by the database (no broker).

It seals the audit events that no request sealed after its commit, sends the outbound
messages that are due and writes the row-level exports asked for every few seconds
(``--seal-interval``), and runs every
other job once a minute (``--interval``). Several
workers may run at the same time (on several machines, or a second one started by
mistake): each job claims its work in the database (the sealer its lock, the overdue
alerts, dispatch escalations and roster gap alerts with unique inserts, the messages
with a lease: ``notifications/sending.py``), so work is done once whoever gets there first.
``--once`` runs the jobs one time and exits (for cron, tests, or a manual catch-up).

Log lines carry job names and counts only, never what the work was about.
"""

import logging
import signal
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from lindungi.audit import checkpoint
from lindungi.audit.sealer import seal
from lindungi.casework.overdue import alert_overdue
from lindungi.core import once
from lindungi.notifications.sending import send_due
from lindungi.referrals.actions import expire_overdue
from lindungi.response.jobs import alert_roster_gaps, escalate
from lindungi.shelter.jobs import alert_long_stays
from lindungi.stats import row_exports
from lindungi.stats.rollup import apply_pending as count_marked_cases

logger = logging.getLogger("lindungi.worker")


def seal_audit_events():
    """The backstop: waits for the chain lock, so that every event committed before it
    is sealed by the time it returns."""
    return seal(wait=True)


def write_audit_checkpoint():
    """The sealed head, to LINDUNGI_AUDIT_CHECKPOINT_DIR when it is set."""
    if settings.AUDIT_CHECKPOINT_DIR is None:
        return 0
    checkpoint.write(
        Path(settings.AUDIT_CHECKPOINT_DIR) / checkpoint.FILE_NAME, checkpoint.current()
    )
    return 1


# (name, job, how often): each job takes no argument and returns how many items it
# handled; "seal" jobs run every --seal-interval seconds, the others every --interval.
# Outbound messages go at the sealer's pace: an alert should not wait a minute.
JOBS = [
    ("audit_seal", seal_audit_events, "seal"),
    ("outbound_messages", send_due, "seal"),
    ("audit_checkpoint", write_audit_checkpoint, "other"),
    ("overdue_alerts", alert_overdue, "other"),
    ("submit_once_expiry", once.purge, "other"),
    ("dispatch_escalation", escalate, "other"),
    ("roster_gap_alerts", alert_roster_gaps, "other"),
    ("long_stay_alerts", alert_long_stays, "other"),
    ("referral_expiry", expire_overdue, "other"),
    ("statistics_rollups", count_marked_cases, "other"),
    # A row-level export waits for the seal's pace, not a minute: its requester watches.
    ("row_exports", row_exports.write_next, "seal"),
    ("row_export_expiry", row_exports.delete_expired, "other"),
]


def run_job(name, job):
    """Run one job; its failure is logged and does not stop the others."""
    started = time.monotonic()
    try:
        handled = job()
    except Exception:
        # The job's own transaction rolled back; its next turn tries again.
        logger.exception("worker job %s failed", name)
        return
    logger.info(
        "worker job %s handled %s items in %.0f ms",
        name,
        handled,
        (time.monotonic() - started) * 1000,
    )


def run_jobs():
    """Run every job once."""
    for name, job, _every in JOBS:
        run_job(name, job)


def run_loop(stop, intervals):
    """Run each job when its turn comes, until ``stop`` is set."""
    due = dict.fromkeys((name for name, _job, _every in JOBS), 0.0)
    while not stop.is_set():
        # As Django does per request: drop a connection that broke or grew too old.
        close_old_connections()
        for name, job, every in JOBS:
            if time.monotonic() >= due[name]:
                run_job(name, job)
                due[name] = time.monotonic() + intervals[every]
        stop.wait(max(0.1, min(due.values()) - time.monotonic()))


class Command(BaseCommand):
    help = (
        "Run background jobs: seal audit events and send due messages every few seconds; "
        "row-level exports as they are asked for; overdue deadline alerts, rapid response "
        "escalation and roster gaps, the statistics rollups, deleting expired exports, the "
        "audit checkpoint and forgetting expired submit-once keys every minute; "
        "or all once with --once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run the jobs once and exit.")
        parser.add_argument(
            "--interval", type=int, default=60, help="Seconds between runs (default 60)."
        )
        parser.add_argument(
            "--seal-interval",
            type=float,
            default=2.0,
            help="Seconds between audit sealing runs (default 2).",
        )

    def handle(self, *args, once=False, interval=60, seal_interval=2.0, **options):
        if once:
            run_jobs()
            return
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            # Finish the job in hand, then leave: a job is never cut half-way.
            signal.signal(sig, lambda *_args: stop.set())
        logger.info("worker started, every %s seconds", interval)
        run_loop(stop, {"seal": max(0.1, seal_interval), "other": max(1, interval)})
        logger.info("worker stopped")
