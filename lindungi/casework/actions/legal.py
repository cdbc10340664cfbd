"""Actions on the UU TPKS police report and the public-employee sanction track."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from lindungi.accounts.models import User
from lindungi.cases.actions import (
    Data,
    _apply,
    _log,
    _only,
    _require_edit,
    _save_version,
)
from lindungi.cases.models import Case
from lindungi.cases.timeline import EventKind
from lindungi.casework.actions.common import _text
from lindungi.casework.models import (
    PoliceReport,
    SanctionTrack,
)
from lindungi.casework.tracks import survivor_reported_at
from lindungi.core.dates import check_past_facts


@transaction.atomic
def record_police_report(
    actor: User,
    case: Case,
    *,
    reported_at: datetime | None = None,
    police_reference: str | None = "",
    not_reported_reason: str | None = "",
    request: HttpRequest | None = None,
) -> PoliceReport:
    _require_edit(actor, case)
    report = PoliceReport.objects.select_for_update().filter(case=case).first()
    if report is None:
        raise ValidationError(_("This case has no sexual violence to report to the police."))
    if reported_at is None and not (not_reported_reason or "").strip():
        raise ValidationError(
            _("Give the date of the report to the police, or why it was not made.")
        )
    check_past_facts(reported_at=reported_at)
    if reported_at is not None:
        _after_survivor_report(case, reported_at)
    changed = _apply(
        report,
        {
            "reported_at": reported_at,
            "police_reference": (police_reference or "").strip()[:100],
            "not_reported_reason": _text(not_reported_reason, "not_reported_reason"),
        },
    )
    # The form saved again unchanged is no new report to the police (nothing to tell).
    if not changed:
        return report
    if "reported_at" in changed:
        report.reported_by = actor if reported_at else None
    report.save()
    _log(
        request,
        actor,
        "police_report.record",
        report,
        case,
        EventKind.POLICE_REPORT_RECORDED,
        changed,
    )
    return report


def _after_survivor_report(case: Case, reported_at: datetime) -> None:
    """The police can only be told of what the service was told: a report to the police
    before the survivor's report reached the service is a typing slip. Compared by the
    minute, since that is all the form takes."""
    received = survivor_reported_at(case)
    if reported_at < received.replace(second=0, microsecond=0):
        shown = formats.date_format(timezone.localtime(received), "DATETIME_FORMAT")
        raise ValidationError(
            {
                "reported_at": _(
                    "The report to the police cannot be before the survivor's report "
                    "reached the service (%(received)s)."
                )
                % {"received": shown}
            }
        )


SANCTION_FIELDS = {
    "agency",
    "notified_on",
    "notified_how",
    "decision",
    "decided_on",
    "notes",
    "concluded",
}


def _validate_sanction(track: SanctionTrack) -> None:
    check_past_facts(notified_on=track.notified_on, decided_on=track.decided_on)
    track.notes = _text(track.notes, "notes")


@transaction.atomic
def update_sanction(
    actor: User,
    track: SanctionTrack,
    version: int,
    changes: Data,
    *,
    request: HttpRequest | None = None,
) -> SanctionTrack:
    _require_edit(actor, track.case)
    _only(changes, SANCTION_FIELDS)
    track, changed = _save_version(SanctionTrack, track, version, changes, _validate_sanction)
    if changed:
        _log(
            request,
            actor,
            "sanction.update",
            track,
            track.case,
            EventKind.SANCTION_UPDATED,
            changed,
        )
    return track
