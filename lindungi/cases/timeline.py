"""What a case timeline entry can say: every kind of CaseEvent, with its words.

The actions write a kind from ``EventKind`` and nothing else (``CaseEvent`` refuses any
other), so every entry on a timeline has a label in both languages. ``describe`` turns the
stored events into the lines the case page shows: the label, what the entry is about (a
service, a closure reason, a person) and the labels of the fields that changed.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    # The intake report's steps, before the case opened from it (its opening names it).
    REPORT_RECEIVED = "report_received", _("Report received")
    REPORT_HANDED_OVER = "report_handed_over", _("Report handed over")
    OPENED = "opened", _("Case opened")
    ASSIGNED = "assigned", _("Case worker assigned")
    UPDATED = "updated", _("Case updated")
    RESTRICTED = "restricted", _("Case restricted")
    CONTACT_UPDATED = "contact_updated", _("Safe contact changed")
    MESSAGE_QUEUED = "message_queued", _("Message to her queued")
    MESSAGE_HELD = "message_held", _("Message to her held until a safe time")
    MESSAGE_REFUSED = "message_refused", _("Message to her refused: not safe")
    CLIENT_ADDED = "client_added", _("Person added")
    CLIENT_UPDATED = "client_updated", _("Person updated")
    INCIDENT_ADDED = "incident_added", _("Incident added")
    INCIDENT_UPDATED = "incident_updated", _("Incident updated")
    PERPETRATOR_ADDED = "perpetrator_added", _("Perpetrator added")
    PERPETRATOR_UPDATED = "perpetrator_updated", _("Perpetrator updated")
    ASSESSMENT_ADDED = "assessment_added", _("Assessment added")
    PLAN_CREATED = "plan_created", _("Service plan written")
    PLAN_UPDATED = "plan_updated", _("Service plan changed")
    SERVICE_ADDED = "service_added", _("Service added to the plan")
    SERVICE_UPDATED = "service_updated", _("Service updated")
    SERVICE_DONE = "service_done", _("Service done")
    PLAN_APPROVAL_REQUESTED = (
        "plan_approval_requested",
        _("Approval of the service plan asked for"),
    )
    PLAN_APPROVED = "plan_approved", _("Service plan approved")
    PLAN_REJECTED = "plan_rejected", _("Service plan returned for changes")
    CLOSURE_REQUESTED = "closure_requested", _("Approval of the closure asked for")
    CLOSURE_APPROVED = "closure_approved", _("Closure approved")
    CLOSURE_REJECTED = "closure_rejected", _("Closure rejected")
    CLOSED = "closed", _("Case closed")
    REOPENED = "reopened", _("Case reopened")
    NOTE_ADDED = "note_added", _("Note added")
    TASK_ADDED = "task_added", _("Task added")
    TASK_DONE = "task_done", _("Task done")
    POLICE_REPORT_RECORDED = "police_report_recorded", _("Report to the police recorded")
    SANCTION_UPDATED = "sanction_updated", _("Sanction track updated")
    ATTACHMENT_ADDED = "attachment_added", _("Document attached")
    ATTACHMENT_REMOVED = "attachment_removed", _("Document removed")
    BREAK_GLASS_USED = "break_glass_used", _("Case opened by break-glass access")
    BREAK_GLASS_REVIEWED = "break_glass_reviewed", _("Break-glass access reviewed")
    # The rapid response unit's visits (lindungi.response).
    DISPATCH_REQUESTED = "dispatch_requested", _("Rapid response team dispatched")
    DISPATCH_CLEARED = "dispatch_cleared", _("Rapid response visit ended")
    DISPATCH_CANCELLED = "dispatch_cancelled", _("Rapid response dispatch cancelled")
    VISIT_REPORTED = "visit_reported", _("Rapid response visit report")
    # The safe houses' placements and stays (lindungi.shelter): never the house's address.
    PLACEMENT_REQUESTED = "placement_requested", _("Safe house place asked for")
    PLACEMENT_ACCEPTED = "placement_accepted", _("Safe house place given")
    PLACEMENT_DECLINED = "placement_declined", _("Safe house could not take her")
    PLACEMENT_CANCELLED = "placement_cancelled", _("Safe house request cancelled")
    STAY_STARTED = "stay_started", _("Stay in a safe house began")
    STAY_ENDED = "stay_ended", _("Stay in a safe house ended")
    # Consents and referrals (lindungi.referrals).
    CONSENT_RECORDED = "consent_recorded", _("Consent recorded")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    REFERRAL_SENT = "referral_sent", _("Referral sent")
    REFERRAL_ACCEPTED = "referral_accepted", _("Referral accepted by the partner")
    REFERRAL_DECLINED = "referral_declined", _("Referral declined by the partner")
    REFERRAL_PROGRESS = "referral_progress", _("Referral: the partner recorded progress")
    REFERRAL_DONE = "referral_done", _("Referral done: the partner recorded the outcome")
    REFERRAL_REVOKED = "referral_revoked", _("Referral revoked")
    REFERRAL_EXPIRED = "referral_expired", _("Referral expired: not accepted in time")
    REFERRAL_OVERRIDE_REVIEWED = (
        "referral_override_reviewed",
        _("Referral sent without consent reviewed"),
    )


def require_kind(kind):
    """Refuse a kind that is not in ``EventKind``: it would show as a bare code."""
    if kind not in EventKind.values:
        raise ValueError(f"unknown case event kind {kind!r}: add it to EventKind")
    return kind
