"""What the benchmark scripts share: scratch databases, the machine, and RESULTS.md.

Each script runs its measurements in a child process per database (its own
``DATABASE_URL``) and writes what it measured into bench/RESULTS.md between markers of its
own (``<!-- bench:NAME -->`` … ``<!-- /bench:NAME -->``): where and when, the run's settings,
the tables. Everything around the markers (headings, what a figure means, what was changed
for speed) is written by hand, and a run leaves it as it is.
"""

import os
import platform
import statistics
import subprocess
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
# The test settings: debug off as in production, fixed keys, a temporary data dir.
SETTINGS = "tests.settings"


def postgres(url, action):
    """``create`` (dropping any leftover first) or ``drop`` the database of ``url``."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if action == "create":
            admin.execute(f'CREATE DATABASE "{name}"')


def run_child(script, database_url, *arguments, timeout=None, env=None):
    """Run ``script --child ...`` against ``database_url``; its stderr passes through.

    The child prints its result as the last line of stdout (JSON), after anything the
    application itself may print. ``env`` sets variables over the defaults: a script that
    measures the deployed configuration passes its own settings module and keys.
    """
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "PYTHONPATH": str(ROOT),
        **(env or {}),
    }
    out = subprocess.run(  # noqa: S603 - the calling script, run again as a child
        [sys.executable, str(script), "--child", *map(str, arguments)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
        timeout=timeout,
    ).stdout
    return out.strip().splitlines()[-1]


def describe(connection):
    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version}"
    return f"PostgreSQL {connection.pg_version // 10000}"


def machine():
    """One line about where the figures were taken, with the date."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    text = f"{date.today().isoformat()}, {os.cpu_count()} cores ({cpu})"
    text += f", Python {platform.python_version()}"
    if hasattr(os, "getloadavg"):
        text += f", load average {os.getloadavg()[0]:.1f} at the start (a shared machine)"
    return text


def percentile(values, p):
    """The p-th percentile (0-100) by linear interpolation between the closest ranks."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def measured_on(where, settings=""):
    """The first line of a block of figures: ``where`` (``machine()`` at the run's start)
    and the run's settings (``settings``, a sentence) if any."""
    return f"Measured {where}." + (f" {settings}" if settings else "")


def publish(name, lines):
    """Put ``lines`` (figures only) between the markers of ``name`` in RESULTS.md, replacing
    what a previous run put there, and print them. A script's first run, before anyone has
    placed its markers, adds them at the end of the file for its prose to be written around."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = "\n".join([start, *lines, end])
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS.write_text(text, encoding="utf-8")
    print("\n".join(lines))
