"""What the apps above cases add to the case page. Cases never imports them: each registers
a part or a section when it is ready (intake: the reports the case came from,
``intake/case_facts.py``; case work: the deadlines, the plan, notes, tasks and legal tracks,
``casework/hooks.py``), so the arrow points from them to cases only.
"""

_parts = []
# Templates the case page includes, by where they go: "top" under the summary, "work"
# before the timeline. Each reads the page's context (``case``, ``access``).
_sections = {"top": [], "work": []}


def add_part(part):
    """``part(case, events)`` puts its words on the timeline ``events`` it knows about and
    returns more of the page's context."""
    if part not in _parts:
        _parts.append(part)


def add_section(where, template):
    """Include ``template`` on the case page at ``where`` ("top" or "work")."""
    if template not in _sections[where]:
        _sections[where].append(template)


def extra_context(case, events):
    context = {"sections": {where: list(names) for where, names in _sections.items()}}
    for part in _parts:
        context.update(part(case, events))
    return context
