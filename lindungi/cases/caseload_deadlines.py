"""The deadlines the caseload and the case page show, in a bounded number of queries.

The rules and what they read are case work (``lindungi/casework/deadlines.py`` and
``overdue.py``), above cases: case work hands them down when it is ready
(``CaseworkConfig.ready``), so that cases never names it.
"""

from django.core.exceptions import ImproperlyConfigured

# The case fields that ``only()`` must keep for ``with_deadline_facts``. Filled in place
# when the rules are handed down, so that a module that imported the list sees them.
DEADLINE_FACT_FIELDS: list[str] = []
_rules = {}


def provide(*, with_facts, attach, fact_fields):
    """Case work's rules: ``with_facts(queryset)`` and ``attach(cases, now)``."""
    _rules.update(with_facts=with_facts, attach=attach)
    DEADLINE_FACT_FIELDS[:] = fact_fields


def _rule(name):
    if name not in _rules:
        raise ImproperlyConfigured("The case-work app is not ready: no deadline rules.")
    return _rules[name]


def with_deadline_facts(queryset):
    """Cases with what their deadlines read loaded in the same query."""
    return _rule("with_facts")(queryset)


def attach_deadlines(cases, now=None):
    """Set ``deadlines``, ``next_deadline`` and ``overdue`` on each case."""
    return _rule("attach")(cases, now)
