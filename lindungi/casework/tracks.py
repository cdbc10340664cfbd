"""Tracks that other records open: the UU TPKS police-report deadline and the sanction
track of a public-employee perpetrator. Apart from the action modules so both can use them.

The incident and perpetrator actions of cases run ``open_police_deadline`` and
``open_sanction_track`` through ``lindungi.cases.record_hooks`` (registered in
``casework/hooks.py``); intake opens the deadline itself when a report becomes a case.
"""

from lindungi.cases.classification import is_sexual
from lindungi.casework.deadlines import police_report_due
from lindungi.casework.models import PoliceReport, SanctionTrack


def needs_police_report(incident):
    return is_sexual(incident.gbv_type, incident.violence_types)


def survivor_reported_at(case):
    """When the survivor's report reached the service: the first intake report linked to
    the case, or the case's opening when it was opened directly."""
    first = case.reports.exclude(received_at=None).order_by("received_at").first()
    return first.received_at if first is not None else case.opened_at


def open_police_deadline(incident):
    """After an incident is recorded or changed: a sexual-violence incident opens the
    3×24-hour deadline, counted from the survivor's report."""
    if needs_police_report(incident):
        ensure_police_report(incident.case, survivor_reported_at(incident.case))


def ensure_police_report(case, reported_at):
    """Open the 3×24-hour deadline when a case has sexual violence (called by the incident
    actions). The clock starts at the survivor's report, not at the case worker's entry."""
    report, _created = PoliceReport.objects.get_or_create(
        case=case, defaults={"due_at": police_report_due(reported_at)}
    )
    return report


def open_sanction_track(perpetrator):
    """Called when a perpetrator is recorded as a public employee: the track starts."""
    track, _created = SanctionTrack.objects.get_or_create(
        perpetrator=perpetrator,
        defaults={"case": perpetrator.incident.case, "agency": perpetrator.employing_agency},
    )
    return track
