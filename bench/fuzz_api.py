"""The API fuzzed by schemathesis against the real server, on SQLite and PostgreSQL.

Usage: ``.venv/bin/python bench/fuzz_api.py [--examples N] [--postgres URL]
[--only sqlite|postgresql] [--min-requests N] [--write]``

For each database: a fresh deployment (migrated, Jakarta's regions, the test personas, a
case of unit A with one record of every kind), `lindungi serve` on a free port, and
`schemathesis run` over every operation (the intake API with an integration's key, the
rest as the case worker of unit A with a confirmed second factor), with the case's real
ids as path parameters so that requests reach records instead of 404s, a fixed seed, and
every check that concerns us: no 5xx, statuses, content types and bodies as documented.
Any failure makes the script exit 1, and so do fewer requests on a database than
``--min-requests``. `.ci/run` runs it with a small budget (at least 2,000 requests a
database); `make fuzz` with a larger one, whose figures go to bench/RESULTS.md
(``--write``).
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, machine, measured_on, postgres, publish

SEED = 20261202
CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_schema_conformance"
)
# The records the fuzzer's requests reach, written as its configuration (no secret of a
# real deployment: a scratch database and a session made for the run).
SETUP = """
import django
django.setup()
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.utils import timezone
from lindungi.cases import actions
from lindungi.casework import actions as work
from lindungi.intake import apikeys
from lindungi.places.loader import load_province
from tests.cases.factories import make_case
from tests.login import log_in
from tests.personas import make_personas

load_province("31")
personas = make_personas()
worker = personas.case_worker_a
case = make_case(personas, "a")
incident = case.incidents.get()
service = {"type": "health", "provider_name": "RSUD", "due_on": incident.reported_on}
ids = {
    "case_id": case.pk,
    "client_id": case.clients.get().pk,
    "incident_id": incident.pk,
    "perpetrator_id": actions.add_perpetrator(worker, incident, {"relationship": "tetangga"}).pk,
    "plannedservice_id": work.add_service(worker, case, service).pk,
    "task_id": work.add_task(worker, case, worker, "Call back", timezone.now()).pk,
    "casenote_id": work.add_note(worker, case, "Called").pk,
    "assessment_id": work.record_assessment(worker, case, "risk", {}).pk,
}
browser = Client()
log_in(browser, worker)
session = browser.cookies[settings.SESSION_COOKIE_NAME].value
csrf = _get_new_csrf_string()
key = apikeys.create_key("fuzzer")[1]
lines = ["[parameters]", *(f'"path.{name}" = "{value}"' for name, value in ids.items())]
lines += [
    "",
    "[headers]",
    f'Cookie = "{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}"',
    f'X-CSRFToken = "{csrf}"',
    "",
    "[[operations]]",
    'include-path = "/api/v1/reports"',
    f'headers = {{ Authorization = "Bearer {key}" }}',
]
print("\\n".join(lines))
"""


def _environment(database_url, data_dir):
    # The suite's fixed keys: a scratch deployment, never a real one.
    from tests.settings import _DEFAULTS

    return {
        **os.environ,
        **_DEFAULTS,
        "DJANGO_SETTINGS_MODULE": "lindungi.settings",
        "DATABASE_URL": database_url,
        "LINDUNGI_DATA_DIR": str(data_dir),
        "LINDUNGI_SSL_REDIRECT": "0",
        "LINDUNGI_PROXY_HOPS": "0",
        "PYTHONPATH": str(ROOT),
    }


def _lindungi(env, *args):
    subprocess.run(  # noqa: S603 - the project's own command
        [sys.executable, "-m", "lindungi.cli", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def fuzz(database_url, examples, scratch):
    """Run schemathesis against a fresh deployment; returns its figures."""
    sys.path.insert(0, str(ROOT))
    from tests.deployments import serve

    env = _environment(database_url, scratch / "data")
    _lindungi(env, "migrate", "--noinput")
    _lindungi(env, "collectstatic", "--noinput")
    config = scratch / "schemathesis.toml"
    config.write_text(_setup_output(env), encoding="utf-8")
    server, port = serve(env, workers=2)
    started = time.monotonic()
    try:
        result = subprocess.run(  # noqa: S603 - the pinned test dependency
            [
                str(Path(sys.executable).with_name("schemathesis")),
                "--config-file",
                str(config),
                "run",
                f"http://127.0.0.1:{port}/api/v1/openapi.json",
                "--max-examples",
                str(examples),
                "--seed",
                str(SEED),
                "--checks",
                CHECKS,
                "--continue-on-failure",
                "--no-color",
            ],
            cwd=scratch,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    seconds = time.monotonic() - started
    summary = re.search(r"(\d+) generated, (.*)", result.stdout)
    generated = int(summary.group(1)) if summary else 0
    return {
        "passed": result.returncode == 0,
        "generated": generated,
        "outcome": summary.group(2).strip() if summary else "no summary",
        "seconds": seconds,
        "output": result.stdout[-6000:],
    }


def _setup_output(env):
    out = subprocess.run(  # noqa: S603 - the snippet above
        [sys.executable, "-c", SETUP],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    # The configuration is everything from its first section on (the app may log before).
    return out[out.index("[parameters]") :]


def fuzz_side_by_side(runs, examples):
    """Both databases at once: a fuzzing run is a client and a server taking turns, about
    one core between them, so two runs side by side take little longer than one on the
    machine's two cores (CI's time budget)."""
    for _url, folder in runs.values():
        folder.mkdir()
    with ThreadPoolExecutor(max_workers=len(runs)) as pool:
        started = {
            name: pool.submit(fuzz, url, examples, folder) for name, (url, folder) in runs.items()
        }
        return {name: run.result() for name, run in started.items()}


def write_results(results, examples, where):
    rows = ["| database | requests | outcome | time |", "|---|---:|---|---:|"]
    for name, r in results.items():
        rows.append(f"| {name} | {r['generated']:,} | {r['outcome']} | {r['seconds']:.0f} s |")
    settings = f"{examples} examples an operation and phase, seed {SEED}."
    publish("fuzz_api", [measured_on(where, settings), "", *rows])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=15)
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432/lindungi_fuzz_api"
    )
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument(
        "--min-requests", type=int, default=1, help="fail if a database got fewer requests"
    )
    parser.add_argument("--write", action="store_true", help="write the figures to RESULTS.md")
    args = parser.parse_args()
    where = machine()
    with tempfile.TemporaryDirectory(prefix="lindungi-fuzz-") as folder:
        scratch = Path(folder)
        runs = {}
        if args.only in (None, "sqlite"):
            runs["SQLite"] = (f"sqlite:///{scratch}/sqlite/fuzz.sqlite3", scratch / "sqlite")
        if args.only in (None, "postgresql"):
            runs["PostgreSQL"] = (args.postgres, scratch / "postgresql")
            postgres(args.postgres, "create")
        try:
            results = fuzz_side_by_side(runs, args.examples)
        finally:
            if "PostgreSQL" in runs:
                postgres(args.postgres, "drop")
    for name, r in results.items():
        print(f"{name}: {r['generated']:,} requests, {r['outcome']}")
        if not r["passed"]:
            print(r["output"], file=sys.stderr)
    if args.write:
        write_results(results, args.examples, where)
    enough = all(r["generated"] >= args.min_requests for r in results.values())
    if not enough:
        print(f"fewer than {args.min_requests:,} requests on a database", file=sys.stderr)
    sys.exit(0 if enough and all(r["passed"] for r in results.values()) else 1)


if __name__ == "__main__":
    main()
