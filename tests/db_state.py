"""What a refused request must leave as it was, in a form cheap enough to take around every
form and every API operation of a walk: per model, its rows, the sum of their versions and
when one was last changed (an update moves one of these)."""

from django.apps import apps
from django.db.models import Count, Max, Sum

from lindungi.audit.models import AuditEvent

# Rows a refused request may add or touch: the session's and the integration key's use.
NOT_COMPARED = {"sessions.session", "intake.apikey"}
# What the audit trail rightly records of a refused request: an integration's key used, an
# id out of reach (README "API").
AUDITED_ANYWAY = {"apikey.use", "case.denied"}


def state():
    """Per model: its rows, the sum of their versions and when one was last changed."""
    found = {}
    for model in apps.get_models():
        if model._meta.label_lower in NOT_COMPARED:
            continue
        names = {f.name for f in model._meta.concrete_fields}
        sums = {"rows": Count("pk")}
        if "version" in names:
            sums["version"] = Sum("version")
        if "updated_at" in names:
            sums["updated_at"] = Max("updated_at")
        rows = model.objects.all()
        if model is AuditEvent:
            rows = rows.exclude(action__in=AUDITED_ANYWAY)
        found[model._meta.label_lower] = rows.aggregate(**sums)
    return found


def changed_models(before, after):
    return [model for model in after if before[model] != after[model]]
