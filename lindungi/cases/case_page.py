"""What the apps above cases add to the case page. Cases never imports them: each registers
a part when it is ready (intake: the reports the case came from, ``intake/case_facts.py``),
so the arrow points from them to cases only.
"""

_parts = []


def add_part(part):
    """``part(case, events)`` puts its words on the timeline ``events`` it knows about and
    returns more of the page's context."""
    if part not in _parts:
        _parts.append(part)


def extra_context(case, events):
    context = {}
    for part in _parts:
        context.update(part(case, events))
    return context
