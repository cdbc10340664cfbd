"""Layers point one way (issue 17; docs/architecture.md, "Layers").

The code is read, not run: every import in ``lindungi/`` is an arrow from the importing
module to the imported one, wherever it is written (at the top, inside a function, or as
``import_module("lindungi....")``): a lazy import is an arrow all the same. The test fails
on an app importing an app on its own tier or above, on apps in a cycle, and on modules in
a cycle, within an app or across apps.
"""

import ast
from collections import defaultdict
from pathlib import Path

import lindungi

ROOT = Path(lindungi.__file__).parent

# Lowest first. An app imports only apps on the tiers below its own.
TIERS = (
    ("core",),  # the base model, encryption, htmx, security, logging: imports no app
    ("audit",),  # the audit trail: records whatever the apps above hand it
    ("accounts",),  # users, units, roles, the second factor, sessions, the admin site
    ("places",),  # regions and service points (administered through accounts' admin site)
    ("notifications",),  # in-app alerts, which the domain apps send
    ("cases",),  # the case record and its access module
    ("casework",),  # assessments, plan, services, notes, tasks, approvals, deadlines, closure
    ("intake",),  # reports, which open cases: it registers its part of the case page
    # Outreach activities (counts only, the summary for the statistics); consents, the
    # provider directory, referrals and the partner portal. Neither imports the other.
    ("prevention", "referrals"),
    ("response",),  # the rapid response unit: roster, dispatches from reports and cases
    ("shelter",),  # safe houses: houses, rooms, beds, placements and stays
    ("stats",),  # rollups, dashboards, exports, public statistics: counts every domain app
    ("api", "ops"),  # entry points over every app: the JSON API; commands that span apps
)
TIER = {app: level for level, apps in enumerate(TIERS) for app in apps}


def _modules(root):
    """Dotted name -> (path, is_package) of every module under ``root`` (a package)."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = [root.name, *path.relative_to(root).with_suffix("").parts]
        package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if package else parts)] = (path, package)
    return found


def _imported(node, package):
    """Dotted names ``node`` imports, resolving relative imports against ``package``."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join([*anchor, *([node.module] if node.module else [])])
        # ``from a import b`` imports the module a.b if there is one, else a name from a
        # (resolved to the longest module prefix below).
        return [f"{base}.{alias.name}" for alias in node.names]
    if (
        isinstance(node, ast.Call)
        and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        return [node.args[0].value]
    return []


def import_graph(modules, sources):
    """{module: {imported module: line}} from {module: source}, over ``modules`` only."""

    def resolve(name):
        parts = name.split(".")
        while parts and ".".join(parts) not in modules:
            parts.pop()
        return ".".join(parts) or None

    graph = defaultdict(dict)
    for name, source in sources.items():
        package = name if modules[name][1] else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(source)):
            for target in {resolve(n) for n in _imported(node, package)} - {None, name}:
                graph[name].setdefault(target, node.lineno)
    return graph


def cycles(graph):
    """The strongly connected components of more than one node (Tarjan), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in list(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def app_of(module):
    """The app a module belongs to (``lindungi.cases.views.pages`` -> ``cases``), or None
    for the project's own modules (settings, urls, the CLI)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and (ROOT / parts[1]).is_dir() else None


def upward(graph, tier):
    """Arrows from an app to an app on its own tier or above, as readable lines."""
    return [
        f"{source} -> {target} (line {line}): {app_of(source)} may not import {app_of(target)}"
        for source, targets in sorted(graph.items())
        for target, line in sorted(targets.items())
        if app_of(source) and app_of(target) and app_of(source) != app_of(target)
        if tier[app_of(target)] >= tier[app_of(source)]
    ]


def app_graph(graph):
    arrows = defaultdict(set)
    for source, targets in graph.items():
        for target in targets:
            if app_of(source) and app_of(target) and app_of(source) != app_of(target):
                arrows[app_of(source)].add(app_of(target))
    return arrows


def _project_graph():
    modules = _modules(ROOT)
    return import_graph(modules, {name: path.read_text() for name, (path, _) in modules.items()})


def test_every_app_has_a_tier():
    apps = {path.parent.name for path in ROOT.glob("*/__init__.py")}
    assert apps == set(TIER), f"place each app in TIERS: {sorted(apps ^ set(TIER))}"


def test_no_app_imports_an_app_on_its_tier_or_above():
    found = upward(_project_graph(), TIER)
    assert not found, "imports against the layers:\n" + "\n".join(found)


def test_no_apps_import_each_other_in_a_cycle():
    assert cycles(app_graph(_project_graph())) == []


def test_no_modules_import_each_other_in_a_cycle():
    assert cycles(_project_graph()) == []


def test_the_reading_sees_every_kind_of_import():
    # The checker itself, on a made-up package: lazy, relative and import_module imports
    # are arrows; an upward one and both kinds of cycle are found.
    modules = {
        name: (None, name.count(".") == 1)
        for name in (
            "lindungi.core",
            "lindungi.core.fields",
            "lindungi.cases",
            "lindungi.cases.models",
            "lindungi.cases.access",
        )
    }
    sources = {name: "" for name in modules}
    sources["lindungi.core.fields"] = (
        "def lazy():\n    from lindungi.cases import models\n"
        "import_module('lindungi.cases.access')\n"
    )
    sources["lindungi.cases.models"] = "from . import access\nfrom lindungi.core.fields import X\n"
    sources["lindungi.cases.access"] = "def f():\n    from .models import Case\n"
    graph = import_graph(modules, sources)
    assert graph["lindungi.core.fields"] == {"lindungi.cases.models": 2, "lindungi.cases.access": 3}
    assert set(graph["lindungi.cases.models"]) == {"lindungi.cases.access", "lindungi.core.fields"}
    assert graph["lindungi.cases.access"] == {"lindungi.cases.models": 2}
    assert len(upward(graph, {"core": 0, "cases": 1})) == 2
    assert cycles(app_graph(graph)) == [["cases", "core"]]
    assert cycles(graph) == [
        ["lindungi.cases.access", "lindungi.cases.models", "lindungi.core.fields"]
    ]
