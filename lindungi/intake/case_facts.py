"""What the case page shows of the intake reports a case came from: the first account,
the safe-contact rules and contact details, the consents, and the report's steps on the
timeline (received, handed over, case opened from it) in words. A part of the case page
(``lindungi.cases.case_page``), added when the intake app is ready.
"""

import uuid

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from lindungi.accounts.models import Unit
from lindungi.cases import case_page
from lindungi.cases.first_account import CaseContact, FirstAccount
from lindungi.cases.models import Consent, ConsentMethod
from lindungi.cases.timeline import EventKind
from lindungi.intake.forms import screening_answers
from lindungi.intake.models import Channel, Report, ReporterType
from lindungi.intake.risk import Risk

# What each step of the report is about: its reference, and where it came from or went.
STEP_WORDS = {
    EventKind.REPORT_RECEIVED: _("%(reference)s, %(channel)s"),
    EventKind.REPORT_HANDED_OVER: _("%(reference)s to %(unit)s"),
    EventKind.OPENED: _("from report %(reference)s"),
}


# What the case page reads of intake, by the name it asks ``case_page.has`` about: most
# cases opened without a report have none of them, and then no query runs.
ROWS = {
    "first_accounts": FirstAccount.objects.all(),
    "intake_consents": Consent.objects.filter(how=ConsentMethod.INTAKE_FORM),
    "reports": Report.objects.all(),
    "contact": CaseContact.objects.all(),
}


def load_intake_facts(case):
    """The first accounts, the contact record, the consents and every report of the case."""
    lookups = {
        "first_accounts": Prefetch(
            "accounts",
            queryset=FirstAccount.objects.select_related(
                "received_by", "unit", "handed_to", "kelurahan"
            ).order_by("received_at", "created_at"),
            to_attr="account_list",
        ),
        "intake_consents": Prefetch(
            "consent_records",
            queryset=ROWS["intake_consents"]
            .select_related("recorded_by", "client")
            .order_by("given_at", "created_at"),
            to_attr="consent_list",
        ),
        "reports": Prefetch(
            "reports", queryset=Report.objects.order_by("received_at"), to_attr="report_list"
        ),
    }
    wanted = []
    for name, lookup in lookups.items():
        if case_page.has(case, name):
            wanted.append(lookup)
        else:
            setattr(case, lookup.to_attr, [])
    prefetch_related_objects([case], *wanted)
    contact = (
        CaseContact.objects.filter(case=case).first() if case_page.has(case, "contact") else None
    )
    channels, reporters, levels = (
        dict(Channel.choices),
        dict(ReporterType.choices),
        dict(Risk.choices),
    )
    for account in case.account_list:
        account.channel_label = channels.get(account.channel, account.channel)
        account.reporter_label = reporters.get(account.reporter_type, "")
        account.risk_label = levels.get(account.risk, account.risk)
        account.risk_computed_label = levels.get(account.risk_computed, account.risk_computed)
        account.screening = screening_answers(account)
    return {
        "accounts": case.account_list,
        "contact": contact,
        "consents": case.consent_list,
        "origin_reports": case.report_list,
    }


def step_labels(events):
    """What the report steps of ``events`` are about, in words (``event.about``)."""
    steps = [
        e
        for e in events
        if e.kind in STEP_WORDS and isinstance(e.detail, dict) and e.detail.get("reference")
    ]
    wanted = {e.detail.get("unit") for e in steps if e.detail.get("unit")}
    units = Unit.objects.in_bulk(wanted) if wanted else {}
    channels = dict(Channel.choices)
    for event in steps:
        detail = event.detail
        unit = units.get(_key(detail.get("unit")))
        event.about = STEP_WORDS[event.kind] % {
            "reference": detail.get("reference", ""),
            "channel": channels.get(detail.get("channel"), detail.get("channel", "")),
            "unit": unit.name if unit else "",
        }


def _key(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def case_page_part(case, events):
    """The intake facts of ``case`` for its page, and its report steps in words."""
    step_labels(events)
    return load_intake_facts(case)
