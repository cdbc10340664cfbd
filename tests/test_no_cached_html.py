"""No rendered HTML is kept in the cache and marked safe again (issue 17): HTML comes from
templates, which escape what they print, on every request. The code is read, not run."""

import ast
from pathlib import Path

import lindungi

ROOT = Path(lindungi.__file__).parent
MARKING = {"mark_safe", "SafeString"}
RENDERING = {"render_to_string", "get_template", "render"}


def _names(tree):
    """Every name the module imports or calls (bare or as an attribute)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.add(node.module or "")
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Call):
            func = node.func
            found.add(func.id if isinstance(func, ast.Name) else getattr(func, "attr", ""))
    return found


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path.relative_to(ROOT).as_posix(), _names(ast.parse(path.read_text()))


def test_no_view_marks_anything_safe_or_reads_the_cache():
    found = [
        relative
        for relative, names in _modules()
        if "views" in relative.removesuffix(".py").split("/")
        and names & (MARKING | {"django.core.cache"})
    ]
    assert not found, found


def test_no_module_keeps_rendered_html_in_the_cache():
    found = [
        relative
        for relative, names in _modules()
        if "django.core.cache" in names and names & (MARKING | RENDERING)
    ]
    assert not found, found


def test_the_scan_sees_what_it_looks_for():
    source = (
        "from django.core.cache import cache\n"
        "from django.utils.safestring import mark_safe\n"
        "html = mark_safe(cache.get('k'))\n"
    )
    names = _names(ast.parse(source))
    assert {"django.core.cache", "mark_safe"} <= names
