"""What the apps above cases add to the case page. Cases never imports them: each registers
a part or a section when it is ready (intake: the reports the case came from,
``intake/case_facts.py``; case work: the deadlines, the plan, notes, tasks and legal tracks,
``casework/hooks.py``), so the arrow points from them to cases only.

Most cases have nothing of most parts (no dispatch, no shelter stay, no referral), and each
part's query cost more in the ORM than in the database (about 0.7 ms, where SQLite answers
in 0.05 ms). So a part names what it reads (``rows``): whether the case has any of those
is read with the case itself, one EXISTS per name compiled once (``lindungi.core.compiled``),
and the part asks ``has(case, name)`` before its own query.
"""

from django.db.models import Exists, OuterRef

from lindungi.cases.models import Case
from lindungi.core.compiled import compiled

_parts = []
# Name -> a queryset of a case-bound model with a ``case`` key: whether the case has any.
_rows = {}
_presence = {}
# Templates the case page includes, by where they go: "top" under the summary, "work"
# before the timeline. Each reads the page's context (``case``, ``access``).
_sections = {"top": [], "work": []}
PREFIX = "page_has_"


def add_part(part, rows=None):
    """``part(case, events)`` puts its words on the timeline ``events`` it knows about and
    returns more of the page's context. ``rows`` ({name: queryset}) are what it reads, by a
    name it asks ``has`` about."""
    if part not in _parts:
        _parts.append(part)
    for name, queryset in (rows or {}).items():
        _rows[name] = queryset
        _presence.clear()


def with_presence(cases):
    """``cases`` with, for each name of ``add_part``'s ``rows``, whether the case has any."""
    if not _presence:
        exists = {
            PREFIX + name: Exists(queryset.filter(case=OuterRef("pk")))
            for name, queryset in _rows.items()
        }
        _presence.update(compiled(Case, exists))
    return cases.annotate(**_presence)


def has(case, name):
    """Whether ``case`` has any of the rows named ``name``: False only when its row says so
    (a case loaded without ``with_presence`` may have some)."""
    return getattr(case, PREFIX + name, True)


def add_section(where, template):
    """Include ``template`` on the case page at ``where`` ("top" or "work")."""
    if template not in _sections[where]:
        _sections[where].append(template)


def extra_context(case, events):
    context = {"sections": {where: list(names) for where, names in _sections.items()}}
    for part in _parts:
        context.update(part(case, events))
    return context
