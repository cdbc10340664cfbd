"""What the benchmark scripts share: scratch databases, the machine, and RESULTS.md.

Each script runs its measurements in a child process per database (its own
``DATABASE_URL``) and writes its own section of bench/RESULTS.md under a heading of its own.
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


def write_section(heading, section):
    """Put ``section`` (starting with ``heading``) in RESULTS.md, replacing an older one."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    if heading in text:
        start = text.index(heading)
        following = text.find("\n## ", start + len(heading))
        text = text[:start] + section + (text[following:] if following != -1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def publish(heading, description, rows):
    """Write a section of RESULTS.md: the heading, what was measured, where, and the table;
    print it too."""
    section = "\n".join([heading, "", description, f"Measured {machine()}.", "", *rows, ""])
    write_section(heading, section)
    print(section)
