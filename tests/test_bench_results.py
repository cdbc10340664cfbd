"""The bench scripts write only what they measured, between their markers in
bench/RESULTS.md; the prose around the markers is written by hand and no run touches it."""

import importlib.util
import re
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _common():
    spec = importlib.util.spec_from_file_location("bench_common", BENCH / "_common.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_run_replaces_only_what_lies_between_its_markers(tmp_path, monkeypatch):
    common = _common()
    results = tmp_path / "RESULTS.md"
    prose = "# Results\n\nWritten by hand.\n\n<!-- bench:a -->\nold\n<!-- /bench:a -->\n\nAfter.\n"
    results.write_text(prose)
    monkeypatch.setattr(common, "RESULTS", results)
    common.publish("a", ["| new |"])
    assert results.read_text() == prose.replace("old", "| new |")
    common.publish("b", ["first"])  # a new script's first run adds its markers at the end
    assert results.read_text().endswith("After.\n\n<!-- bench:b -->\nfirst\n<!-- /bench:b -->\n")


def test_every_block_a_script_writes_has_its_place_in_results():
    written = set()
    for script in BENCH.glob("*.py"):
        source = script.read_text()
        written |= set(re.findall(r'publish\(\s*"(\w+)"', source))
        # A script that writes one of several blocks (by size) names them in BLOCKS.
        for blocks in re.findall(r"^BLOCKS = \(([^)]*)\)", source, re.MULTILINE):
            written |= set(re.findall(r'"(\w+)"', blocks))
    text = (BENCH / "RESULTS.md").read_text()
    found = re.findall(r"<!-- bench:([a-z0-9_]+) -->", text)
    placed = set(found)
    assert written == placed
    # Once each: a run replaces the first copy only, and a second would go stale unseen.
    assert sorted(found) == sorted(placed)
    assert all(text.count(f"<!-- /bench:{name} -->") == 1 for name in placed)
