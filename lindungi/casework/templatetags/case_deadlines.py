"""``{% case_deadlines case as deadlines %}``: the case page's deadlines, computed at render
time so the case view needs no change (three queries, whatever the case holds)."""

from django import template

from lindungi.casework.overdue import attach_deadlines

register = template.Library()


@register.simple_tag
def case_deadlines(case):
    attach_deadlines([case])
    return case.deadlines
