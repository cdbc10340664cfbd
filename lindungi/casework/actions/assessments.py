"""Actions on assessments: needs and risk, each a new row."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils.translation import gettext as _

from lindungi.accounts.models import User
from lindungi.cases.actions import (
    _log,
    _require_edit,
)
from lindungi.cases.models import Case
from lindungi.cases.timeline import EventKind
from lindungi.casework.actions.common import (
    _require_open,
    _text,
)
from lindungi.casework.models import (
    NEED_DOMAINS,
    RISK_FACTORS,
    Assessment,
    NeedLevel,
)

# Factors that alone make the risk high (lethality indicators in common DV risk tools).
LETHAL_FACTORS = {"weapon", "threats_to_kill", "strangulation"}


def risk_level(answers: Mapping[str, object]) -> str:
    """The checklist's level: any lethality indicator or three factors -> high; one or two
    -> medium; none -> low."""
    yes = {name for name, value in answers.items() if value}
    if yes & LETHAL_FACTORS or len(yes) >= 3:
        return "high"
    return "medium" if yes else "low"


@transaction.atomic
def record_assessment(
    actor: User,
    case: Case,
    kind: str,
    answers: dict[str, str | bool],
    *,
    summary: str = "",
    override_level: str = "",
    override_reason: str = "",
    request: HttpRequest | None = None,
) -> Assessment:
    """A new assessment with the next number; older ones stay as they were. A risk
    assessment sets the case priority, unless the worker overrides it with a reason."""
    _require_edit(actor, case)
    _require_open(case)
    level = _assessed_level(kind, answers)
    if override_level and (
        kind != Assessment.Kind.RISK or override_level not in ("high", "medium", "low")
    ):
        raise ValidationError({"override_level": _("Choose a risk level.")})
    override_reason = _text(override_reason, "override_reason", required=bool(override_level))
    Case.objects.select_for_update().filter(pk=case.pk).first()  # serialise the numbering
    number = (case.assessments.filter(kind=kind).aggregate(n=Max("number"))["n"] or 0) + 1
    assessment = Assessment.objects.create(
        case=case,
        kind=kind,
        number=number,
        author=actor,
        answers=answers,
        level=level,
        override_level=override_level,
        override_reason=override_reason,
        summary=_text(summary, "summary"),
    )
    _log(
        request,
        actor,
        "assessment.create",
        assessment,
        case,
        EventKind.ASSESSMENT_ADDED,
        assessment=kind,
    )
    if kind == Assessment.Kind.RISK and case.priority != assessment.effective_level:
        Case.objects.filter(pk=case.pk).update(
            priority=assessment.effective_level, version=case.version + 1
        )
        _log(request, actor, "case.update", case, case, EventKind.UPDATED, ["priority"])
    return assessment


def _assessed_level(kind: str, answers: dict[str, str | bool]) -> str:
    """The checklist's level of a risk assessment ("" for needs), once the answers fit the
    kind: a level for each area of needs, a yes or no for each risk factor."""
    if kind == Assessment.Kind.NEEDS:
        domains = {name for name, _label in NEED_DOMAINS}
        if set(answers) - domains or not set(answers.values()) <= set(NeedLevel.values):
            raise ValidationError({"answers": _("Choose a level for each area.")})
        return ""
    if kind == Assessment.Kind.RISK:
        factors = {name for name, _label in RISK_FACTORS}
        if set(answers) - factors or not all(isinstance(v, bool) for v in answers.values()):
            raise ValidationError({"answers": _("Answer each question with yes or no.")})
        return risk_level(answers)
    raise ValidationError({"kind": _("Choose a kind of assessment.")})
