"""No case-bound queryset is built outside the access module (issue 11).

The code is read, not run: every ``Model.objects.<method>`` on a model that belongs to a case
is found in the source. In the reading layers (views, API routers, template tags,
management commands) the only method allowed is ``restrict`` — the access module's
narrowing — or a queryset handed to ``Prefetch``, which loads the parts of rows already
narrowed. Elsewhere the modules that may build such querysets are listed below, each with
the reason; a new module that does so fails until someone decides it belongs here.
"""

import ast
from pathlib import Path

from django.apps import apps

import lindungi
from lindungi.cases.survivor_data import case_bound_models

ROOT = Path(lindungi.__file__).parent
READING_LAYERS = ("views", "api", "templatetags", "commands")
# Modules outside the reading layers that build case-bound querysets, and why they may.
ALLOWED = {
    "cases/access.py": "the access module itself",
    "cases/actions.py": "actions: they write, after checking the actor with access.check",
    "cases/contact_actions.py": "actions, as above",
    "cases/attachments.py": "actions, as above",
    "cases/survivor_messages.py": "the action that sends to her, and the worker's rule that "
    "reads her contact record again before a held or queued message goes",
    **{
        f"casework/actions/{name}.py": "actions, as above"
        for name in ("approvals", "assessments", "closure", "common", "legal", "notes", "plan")
    },
    "casework/tracks.py": "opens the legal tracks inside the actions that cause them",
    "intake/carry.py": "inside intake's open-case action: the new case's first parts and its "
    "consent records",
    "ops/seed/__init__.py": "makes synthetic cases for the demo and the benchmarks",
    "ops/demo.py": "picks a synthetic case of the demo centre for the demo stay, made "
    "through the safe houses' actions",
    "casework/overdue.py": "the deadline alert job over every case (its recipients from "
    "access.supervisors_of); pages pass it a queryset the access module narrowed",
    "cases/queries/rows.py": "what the caseload's rows show of their parts: subqueries on "
    "the rows of a queryset narrowed by restrict",
    "cases/queries/survivors.py": "subqueries on the survivors of cases narrowed by restrict",
    "cases/queries/filters.py": "the caseload's filters: subqueries that narrow a queryset "
    "already narrowed by restrict",
    "cases/queries/search.py": "search: blind-index lookups that narrow a queryset already "
    "narrowed by restrict",
    "intake/case_facts.py": "loads the first account of the case of a CaseAccess",
    "cases/queries/case_parts.py": "the case page's parts (people, incidents, timeline), read "
    "by the key of the case of the page's CaseAccess",
    "cases/forms.py": "form choices among the parts of the case of a CaseAccess",
    "response/actions.py": "actions: they lock the dispatch, then check the actor with "
    "response.access.may (the rule restrict applies)",
    "response/jobs.py": "the escalation job over every open dispatch: it alerts the crew's "
    "backup, the unit's supervisors and its escalation chain, and shows nobody anything",
    "casework/forms/notes.py": "form choices among the notes of the case of a CaseAccess",
    "shelter/actions.py": "actions: they lock the placement, then check the actor with "
    "shelter.access.may (the rule restrict applies) and the house's staff",
    "shelter/forms.py": "form choices among the people and dispatches of the case, "
    "through restrict; for a dispatch's crew, the people of the dispatch's case (role, sex "
    "and age, no names) once the view had the dispatch from get_dispatch_for",
    "shelter/capacity.py": "which beds are held, for the house's yes: counts no one reads",
    "shelter/occupancy.py": "the board's counts of beds held, which name nobody; names only "
    "through restrict",
    "shelter/jobs.py": "the longest-stay alert job over every stay: it alerts the case's "
    "supervisors and the house's staff, and shows nobody anything",
    "referrals/actions/consents.py": "actions: they check the actor with access.check, then lock",
    "referrals/actions/referrals.py": "actions: they lock the referral, then check the actor "
    "with referrals.access.may (the rule restrict applies) or access.check on its case",
    "referrals/sharing.py": "the chosen fields of a referral's own survivor, read for a "
    "referral the access module gave",
    "stats/eligibility.py": "the statistics' one rule of which incidents count: read only "
    "into rollups of counts (stats/counts.py), never shown as rows",
    "stats/counts.py": "the statistics' counts: every case is read to add its keys to the "
    "rollups; only sums of keys leave it",
    "stats/marks.py": "finds the case of a changed perpetrator, to count it again",
    "stats/course.py": "the times of a case's first note, assessment and closure, read as "
    "subqueries into its rollup keys (stats/counts.py), never shown as rows",
    "referrals/forms.py": "form choices among the people of the case of a CaseAccess",
    "referrals/access.py": "the referral rule itself: a partner reads a referral only while "
    "a consent in force covers it (a subquery of the rule restrict applies)",
    "referrals/consents.py": "the consents in force that cover a share, which every share "
    "asks on the server: it shows nobody anything",
    **{
        f"{app}/hooks.py": "whether the case of a CaseAccess has any of its part's rows: an "
        "EXISTS on the case's own row, which get_case_for reads (case_page.with_presence)"
        for app in ("referrals", "response", "shelter")
    },
}

# Records about a case or a report that do not declare ``CASE_PATH`` (and so have no
# ``restrict``), and why. Every other one must: a new model that points at a case without it
# would escape the access module, the boundary scan above and the permission matrix.
WITHOUT_CASE_PATH = {
    "cases.Case": "the root: restrict narrows it by the access rule itself",
    "cases.Assignment": "the access rule's own data: read only by the access module",
    "cases.NamedAccess": "the access rule's own data: read only by the access module",
    "intake.Report": "the report root: intake/access.py narrows it (Report.objects.restrict)",
    "intake.ReportPerson": "part of a report: read only through a report intake/access.py gave",
    "intake.ReporterMessage": "a message to a report's reporter: read only through a report "
    "intake/access.py gave (and reporter_messages.may_message), or by the worker's rule",
    "notifications.Notification": "one recipient's alert: read only by that recipient",
    "notifications.OverdueAlert": "the worker's claim on an overdue item: never shown",
    "response.DispatchStep": "a dispatch's step: read only through a dispatch restrict gave",
    "response.DispatchMember": "a dispatch's crew: the dispatch rule's own data "
    "(response/access.py), else read through a dispatch restrict gave",
    "response.Escalation": "the worker's claim on an escalation step: never shown",
    "shelter.MaxStayAlert": "the worker's claim on a stay's longest-stay alert: never shown",
}


def _case_bound_names():
    bound = {model.__name__ for model in apps.get_models() if hasattr(model, "CASE_PATH")}
    return bound | {"Case", "Assignment", "NamedAccess"}


def _uses(tree, bound):
    """(line, "Model.objects.method") outside Prefetch(...) arguments."""
    inside_prefetch = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Prefetch":
            inside_prefetch.update(id(inner) for inner in ast.walk(node))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "objects"
            and isinstance(node.value.value, ast.Name)
            and node.value.value.id in bound
            and id(node) not in inside_prefetch
        ):
            yield node.lineno, f"{node.value.value.id}.objects.{node.attr}"


def _scan():
    bound = _case_bound_names()
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "migrations" in path.parts:
            continue
        for line, use in _uses(ast.parse(path.read_text()), bound):
            yield relative, line, use


def _reading_layer(relative):
    return any(part in READING_LAYERS for part in relative.removesuffix(".py").split("/"))


def test_the_reading_layers_build_case_bound_querysets_only_through_restrict():
    found = [
        f"{relative}:{line}: {use}"
        for relative, line, use in _scan()
        if _reading_layer(relative) and not use.endswith(".restrict")
    ]
    assert not found, "ask lindungi.cases.access (restrict, get_case_for):\n" + "\n".join(found)


def test_every_other_module_that_builds_them_is_listed_with_its_reason():
    found = {relative for relative, _line, use in _scan() if not use.endswith(".restrict")}
    others = {relative for relative in found if not _reading_layer(relative)}
    assert others <= set(ALLOWED), sorted(others - set(ALLOWED))
    # A module that no longer builds them leaves the list.
    assert set(ALLOWED) <= found, sorted(set(ALLOWED) - found)


def test_the_scan_sees_what_it_looks_for():
    # The scanner itself: a raw read is found, restrict and Prefetch are not.
    source = (
        "CaseNote.objects.filter(case=case)\n"
        "Task.objects.restrict(user).filter(done_at=None)\n"
        "Prefetch('notes', queryset=CaseNote.objects.order_by())\n"
    )
    uses = [use for _line, use in _uses(ast.parse(source), _case_bound_names())]
    assert uses == ["CaseNote.objects.filter", "Task.objects.restrict"]


def test_every_record_about_a_case_declares_its_path_to_the_case():
    missing = [
        model._meta.label
        for model in case_bound_models()
        if not hasattr(model, "CASE_PATH") and model._meta.label not in WITHOUT_CASE_PATH
    ]
    assert not missing, (
        "declare CASE_PATH and build the manager on CaseBoundQuerySet "
        f"(docs/architecture.md, 'Adding a case-bound record'): {missing}"
    )
    bound = {model._meta.label for model in case_bound_models()}
    assert set(WITHOUT_CASE_PATH) <= bound, sorted(set(WITHOUT_CASE_PATH) - bound)


def test_every_record_that_declares_a_path_can_be_restricted():
    for model in case_bound_models():
        if hasattr(model, "CASE_PATH"):
            assert hasattr(model._default_manager.all(), "restrict"), model._meta.label
