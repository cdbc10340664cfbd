"""Deadlines of case work, computed (never typed) against a clock that tests can fix.

- UU 12/2022 (TPKS) Pasal 39–41: a report of sexual violence goes to the police within
  3×24 hours of the survivor's report to the UPTD PPA. Hours, not working days: a report
  on Friday evening is due on Monday evening.
- Follow-up by priority (a common GBV configuration, local choice): high within 24 hours,
  medium within 72 hours, low as planned; counted from the last contact recorded (a case
  note) or, before any, from the opening. ``LINDUNGI_FOLLOW_UP_HOURS`` changes the hours.
- Every planned service: its due date, in the deployment's zone (end of that day).
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

POLICE_REPORT_HOURS = 72


@dataclass(frozen=True)
class Deadline:
    kind: str
    label: str
    due_at: datetime
    done: bool
    object_id: str

    def overdue(self, now):
        return not self.done and self.due_at < now


def police_report_due(reported_at):
    return reported_at + timedelta(hours=POLICE_REPORT_HOURS)


def follow_up_hours(priority):
    return settings.LINDUNGI_FOLLOW_UP_HOURS.get(priority)


def follow_up_due(priority, last_contact_at):
    hours = follow_up_hours(priority)
    return None if hours is None else last_contact_at + timedelta(hours=hours)


def end_of_day(day):
    """A date-only due date ends at midnight in the deployment's zone."""
    zone = timezone.get_default_timezone()
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


def case_deadlines(case, *, last_note_at=None, services=(), police_report=None):
    """Every deadline of one case, earliest first. The caller passes what it has loaded,
    so a list of cases can compute deadlines without a query per case."""
    items = []
    if police_report is not None:
        items.append(
            Deadline(
                "police_report",
                _("Report to the police (UU TPKS, 3×24 hours)"),
                police_report.due_at,
                bool(police_report.reported_at or police_report.not_reported_reason),
                str(police_report.pk),
            )
        )
    if case.closed_at is None:
        due = follow_up_due(case.priority, last_note_at or case.opened_at)
        if due is not None:
            items.append(Deadline("follow_up", _("Follow-up"), due, False, str(case.pk)))
    for service in services:
        items.append(
            Deadline(
                "service",
                service.get_type_display(),
                end_of_day(service.due_on),
                service.status not in ("planned", "in_progress"),
                str(service.pk),
            )
        )
    return sorted(items, key=lambda d: d.due_at)
