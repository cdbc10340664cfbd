from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindungi.notifications.outbound import Attempt, OutboundMessage
from lindungi.notifications.staff_alerts import queue_staff_alerts

__all__ = [
    "Attempt",
    "Kind",
    "Notification",
    "OutboundMessage",
    "OverdueAlert",
    "notify",
    "notify_each",
]


class Kind(models.TextChoices):
    """What an alert is about. The text shown is the label, in the reader's language; an
    alert never carries case content, only a link to the case through the choke point."""

    CASE_ASSIGNED = "case_assigned", _("A case was assigned to you")
    CASE_RESTRICTED = (
        "case_restricted",
        _("A case in your unit was restricted: the perpetrator is a public employee"),
    )
    BREAK_GLASS_USED = "break_glass_used", _("Break-glass access was used and awaits review")
    BREAK_GLASS_ON_CASE = (
        "break_glass_on_case",
        _("A supervisor of another unit opened a case of yours by break-glass access"),
    )
    # No longer sent (a dispatch alerts its team lead): it names the alerts sent before.
    RAPID_RESPONSE_REQUESTED = "rapid_response", _("A report needs the rapid response unit now")
    REPORT_HANDED_OVER = "report_handed_over", _("A report was handed over to your unit")
    CASE_TO_ASSIGN = (
        "case_to_assign",
        _("A rapid response visit opened a case in your unit: assign a case worker"),
    )
    TASK_ASSIGNED = "task_assigned", _("A task was given to you")
    APPROVAL_REQUESTED = "approval_requested", _("A request waits for your approval")
    APPROVAL_DECIDED = "approval_decided", _("Your request was answered")
    DEADLINE_OVERDUE = "deadline_overdue", _("A deadline in your unit has passed")
    DISPATCH_REQUESTED = "dispatch_requested", _("Rapid response: a team is needed now")
    DISPATCH_ESCALATED = (
        "dispatch_escalated",
        _("Rapid response: a dispatch is not taken up in time"),
    )
    ROSTER_GAP = "roster_gap", _("Rapid response: a shift on the roster is not covered")
    PLACEMENT_REQUESTED = "placement_requested", _("Safe house: a place is asked for")
    PLACEMENT_ANSWERED = "placement_answered", _("Safe house: your request was answered")
    STAY_ENDING = "stay_ending", _("Safe house: a stay reaches its longest allowed")
    REFERRAL_RECEIVED = "referral_received", _("A referral was sent to your organisation")
    REFERRAL_ANSWERED = "referral_answered", _("A partner answered your referral")
    REFERRAL_EXPIRED = "referral_expired", _("A referral you sent expired: nobody accepted it")
    REFERRAL_OVERRIDDEN = (
        "referral_overridden",
        _("A referral was sent without consent and awaits review"),
    )


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    report = models.ForeignKey(
        "intake.Report", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # A break-glass alert says who opened the case, when and why (the grant's reason, the
    # supervisor's own words): never what they read.
    break_glass = models.ForeignKey(
        "cases.BreakGlass", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.kind


def notify(users, kind, case=None, report=None, break_glass=None):
    """Queue an in-app alert for each user (once each), inside the caller's transaction,
    and an outbound message on each channel they chose besides the app."""
    unique = {u.pk: u for u in users}
    Notification.objects.bulk_create(
        [
            Notification(user_id=pk, kind=kind, case=case, report=report, break_glass=break_glass)
            for pk in unique
        ]
    )
    queue_staff_alerts(unique.values(), str(Kind(kind).label))


def notify_each(alerts):
    """Save ``alerts`` (unsaved ``Notification`` rows, of any users and kinds) at once, and
    queue each on the channels its user chose besides the app."""
    Notification.objects.bulk_create(alerts)
    users = get_user_model().objects.in_bulk({alert.user_id for alert in alerts})
    for alert in alerts:
        queue_staff_alerts([users[alert.user_id]], str(Kind(alert.kind).label))


class OverdueAlert(models.Model):
    """An overdue deadline that was alerted: one row per (kind, object, due time), so the
    supervisors hear of it once however many workers run. A deadline that moves (a new note
    restarts the follow-up clock) has a new due time, and is alerted again when it passes.

    ``run`` marks the job run that inserted the row: inserts that lose the race are
    skipped, and the winner finds its own rows by this token.
    """

    kind = models.CharField(max_length=32)
    object_id = models.CharField(max_length=64)
    due_at = models.DateTimeField()
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    run = models.UUIDField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "due_at"], name="overdue_alert_once"
            )
        ]

    def __str__(self):
        return self.kind
