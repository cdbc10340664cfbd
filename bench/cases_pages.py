"""The case pages at 10,000 and 100,000 seeded cases, on SQLite and PostgreSQL.

Usage: ``.venv/bin/python bench/cases_pages.py [--postgres URL] [--sizes 10000,100000]
[--requests 200]``

For each database: a fresh one (a temporary SQLite file in WAL mode, as deployed; a scratch
PostgreSQL database, created and dropped after), migrated, with the Jakarta demo data. The
service centre gets a supervisor and 20 case workers, so that a case worker's caseload is
a worker's share, not the whole centre's. ``lindungi seed``'s code then adds cases up to
each size (the time is reported: 100,000 must take under 10 minutes on
SQLite), PostgreSQL gets VACUUM ANALYZE (what autovacuum does after inserts; SQLite is left
without statistics, as a deployment has it) and the pages are timed.

Each step (set-up, seeding, timing) runs in a process of its own, so that the pages are
timed in a fresh process as a server worker is, not in the one that just built 100,000
cases. Requests go through Django's test ``Client`` in that process: the whole stack a
request meets in production (every middleware, sessions in the database, the second-factor
check, the audit rows, templates) but not gunicorn's HTTP parsing, which is the same for
every page and would only add the noise of a shared loopback to a comparison between
pages. Each client is logged in as after a verified second factor (``tests.login.log_in``).
Per round, one request of each kind, interleaved so that a burst of load on the shared
machine hits all alike:

- the trivial page: the home page, as the supervisor; beside it, for scale, the service
  points list (/tempat/layanan/), the other simple page the issue names;
- the caseload (default filters: active cases, newest first) as the supervisor of the
  centre (all its cases) and as one of its case workers (their share), and as the
  supervisor of a second, small centre (SMALL_CASES cases, added after the big centre's:
  its list must not walk the others');
- a case page, as the supervisor, a different case each round;
- a name search, as the supervisor: the POST the caseload's search form sends with htmx,
  for the full name of a different survivor of an active case each round;
- the intake API: ``POST /api/v1/reports`` with an API key of the run's own and an
  Idempotency-Key, a new report each round (encryption, blind indexes, audit, idempotency:
  all on), as bench/intake_load.py sends them but through the test ``Client``.

p50 and p95 over ``--requests`` rounds after a warm-up (200: on a shared machine the p95
of 50 requests is set by whichever three met another process's burst), written to this
script's place in bench/RESULTS.md.
"""

import argparse
import json
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import describe, machine, measured_on, percentile, postgres, publish, run_child

WORKERS = 20
CENTRE = "UPTD PPA DKI Jakarta"
DOMAIN = "@bench.lindungi.id"
# A second centre, as small as a kabupaten's, among however many cases the big one holds: its
# supervisor's list must not walk the others' cases (a national deployment's usual unit).
SMALL_CENTRE = "UPTD PPA Kepulauan Seribu"
SMALL_CASES = 2000
SMALL_WORKERS = 3
SMALL_SUPERVISOR = "supervisor.kecil"
WARM_UP = 5
PAGES = {
    "trivial": "home page (trivial)",
    "service_points": "service points (simple list)",
    "caseload_supervisor": "caseload, supervisor",
    "caseload_small_unit": "caseload, supervisor of a small unit",
    "caseload_worker": "caseload, case worker",
    "case_page": "case page",
    "name_search": "name search (POST)",
    "intake_api": "intake API (POST /api/v1/reports)",
}
# The reference pages: the trivial one, and a second simple page for scale.
UNTARGETED = {"trivial", "service_points"}
TARGET_VS_TRIVIAL = 3.0
# ``--existing`` writes the table of its databases' kind: PostgreSQL's, or SQLite's beside it.
BLOCKS = ("cases_pages_existing", "cases_pages_existing_sqlite")
TARGET_GROWTH = 1.5


def log(message):
    print(message, file=sys.stderr, flush=True)


def staff(key, unit, role):
    """A member of ``unit`` who can log in, ``key`` + DOMAIN by email; left as it is if
    there already (a run stopped half-way is run again)."""
    from lindungi.accounts.models import Membership, User

    user = User.objects.filter(email=f"{key}{DOMAIN}").first()
    if user is None:
        user = User.objects.create_user(f"{key}{DOMAIN}", None, display_name=key)
    Membership.objects.get_or_create(user=user, unit=unit, role=role)


def setup_centre():
    """The demo service centre with a supervisor and WORKERS case workers (not the demo
    users: with debug off, as here, those cannot log in)."""
    from lindungi.accounts.models import Unit
    from lindungi.accounts.roles import Role
    from lindungi.ops.demo import load_demo

    load_demo(create_users=False)
    unit = Unit.objects.get(name=CENTRE)
    staff("supervisor", unit, Role.SUPERVISOR)
    for n in range(1, WORKERS + 1):
        staff(f"case.worker.{n}", unit, Role.CASE_WORKER)


def ensure_small_centre():
    """The small centre beside the big one, with a supervisor, SMALL_WORKERS case workers
    and SMALL_CASES cases, made once, after the big one's cases (a database seeded before
    this existed gets it on its first run here); seconds spent seeding it, 0 when it was
    there. Not in the seeding's time."""
    from lindungi.accounts.models import Unit
    from lindungi.accounts.roles import Role
    from lindungi.cases.models import Case
    from lindungi.ops.seed import seed_cases

    centre = Unit.objects.get(name=CENTRE)
    small, _made = Unit.objects.get_or_create(
        name=SMALL_CENTRE, defaults={"type": centre.type, "region_id": centre.region_id}
    )
    staff(SMALL_SUPERVISOR, small, Role.SUPERVISOR)
    for n in range(1, SMALL_WORKERS + 1):
        staff(f"case.worker.kecil.{n}", small, Role.CASE_WORKER)
    missing = SMALL_CASES - Case.objects.filter(unit=small).count()
    if missing <= 0:
        return 0
    seconds = seed_cases(missing, unit=small, seed=SMALL_CASES).seconds
    analyze()
    return seconds


def analyze():
    """On PostgreSQL, what autovacuum does after a bulk insert (since PostgreSQL 13 it
    vacuums insert-only tables too): VACUUM ANALYZE, so that plans have statistics and
    index-only scans have the visibility map. Not on SQLite: nothing in a deployment runs
    ANALYZE there, so the pages must do without statistics."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def progress(done, count, seconds):
    if done % 10000 == 0 or done == count:
        log(f"  {done:,} / {count:,}, {done / seconds:,.0f} cases/s")


def time_pages(supervisor, small_supervisor, worker, rounds, rng):
    """Seconds per request for each page, ``rounds`` of each after WARM_UP rounds."""
    from django.test import Client as Browser
    from django.urls import reverse
    from intake_load import jobs

    from lindungi.cases.models import Case, Client, ClientRole, Status
    from lindungi.intake.apikeys import create_key
    from tests.login import log_in

    browsers = {
        "supervisor": Browser(),
        "small": Browser(),
        "worker": Browser(),
        "searcher": Browser(),
    }
    log_in(browsers["supervisor"], supervisor)
    log_in(browsers["small"], small_supervisor)
    log_in(browsers["worker"], worker)
    log_in(browsers["searcher"], supervisor)  # its own session: the search stays in it
    caseload = reverse("cases:caseload")
    total = WARM_UP + rounds
    visible = Case.objects.restrict(supervisor)
    case_ids = rng.sample(list(visible.values_list("pk", flat=True)), total)
    # People of active cases, who are on the caseload a search narrows.
    active = list(visible.exclude(status=Status.CLOSED).values_list("pk", flat=True))
    names = [
        person.name
        for person in Client.objects.filter(
            role=ClientRole.SURVIVOR, case_id__in=rng.sample(active, min(total, len(active)))
        )
    ]
    # A key of its own each run (an existing database may be timed again), and new reports.
    _key, secret = create_key(f"bench-pages-{uuid.uuid4().hex[:12]}")
    reports = jobs(total, retry_share=0)
    requests = {
        "trivial": lambda i: browsers["supervisor"].get("/"),
        "service_points": lambda i: browsers["supervisor"].get("/tempat/layanan/"),
        "caseload_supervisor": lambda i: browsers["supervisor"].get(caseload),
        "caseload_small_unit": lambda i: browsers["small"].get(caseload),
        "caseload_worker": lambda i: browsers["worker"].get(caseload),
        "case_page": lambda i: browsers["supervisor"].get(
            reverse("cases:detail", args=[case_ids[i]])
        ),
        "name_search": lambda i: browsers["searcher"].post(
            caseload, {"by": "name", "q": names[i % len(names)]}, HTTP_HX_REQUEST="true"
        ),
        "intake_api": lambda i: Browser().post(
            "/api/v1/reports",
            reports[i][1],
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
            HTTP_IDEMPOTENCY_KEY=reports[i][0],
        ),
    }
    seconds = {page: [] for page in requests}
    for i in range(total):
        for page, request in requests.items():
            start = time.perf_counter()
            response = request(i)
            elapsed = time.perf_counter() - start
            if response.status_code not in (200, 201):
                raise RuntimeError(f"{page}: HTTP {response.status_code}")
            if i >= WARM_UP:
                seconds[page].append(elapsed)
    return {
        page: {"p50": percentile(values, 50) * 1e3, "p95": percentile(values, 95) * 1e3}
        for page, values in seconds.items()
    }


def child(step, argument):
    """One step in its own process, against the DATABASE_URL it was given: ``setup``,
    ``seed N`` (add N cases), ``small`` (``ensure_small_centre``), ``prewarm``, ``count``
    or ``time R`` (R rounds of requests). Timing runs in a fresh
    process, as a server worker is, not in the one that just built 100,000 objects."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from lindungi.accounts.models import User

    if step == "setup":
        call_command("migrate", verbosity=0)
        setup_centre()
        return {"database": describe(connection)}
    if step == "small":
        return {"seconds": ensure_small_centre()}
    if step == "seed":
        from lindungi.accounts.models import Unit
        from lindungi.ops.seed import seed_cases

        unit = Unit.objects.get(name=CENTRE)
        seconds = seed_cases(argument, unit=unit, seed=argument, progress=progress).seconds
        analyze()
        return {"seconds": seconds}
    if step == "prewarm":
        return prewarm()
    if step == "count":
        from lindungi.cases.models import Case

        return {"database": describe(connection), "cases": Case.objects.count()}
    supervisor = User.objects.get(email=f"supervisor{DOMAIN}")
    small_supervisor = User.objects.get(email=f"{SMALL_SUPERVISOR}{DOMAIN}")
    worker = User.objects.get(email=f"case.worker.1{DOMAIN}")
    rng = random.Random(2026)  # which cases and names to request, the same each run
    return time_pages(supervisor, small_supervisor, worker, argument, rng)


# The share of shared_buffers ``--prewarm`` fills, leaving room for what the pages write.
PREWARM_SHARE = 0.9


def prewarm():
    """PostgreSQL: read the database's tables and indexes into shared_buffers, smallest
    first, as many as fit in ``PREWARM_SHARE`` of it: the state of a server that has been
    serving a while (or restarted with ``pg_prewarm.autoprewarm``), not of one just
    started, whose first requests read from disk. No table is chosen by hand."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        cursor.execute(
            "SELECT setting::bigint * block_size::bigint FROM pg_settings, "
            "(SELECT current_setting('block_size') AS block_size) AS b "
            "WHERE name = 'shared_buffers'"
        )
        room = cursor.fetchone()[0]
        cursor.execute(
            "SELECT oid, pg_relation_size(oid) FROM pg_class WHERE relkind IN ('r', 'i', 't') "
            "AND relnamespace = 'public'::regnamespace ORDER BY pg_relation_size(oid), oid"
        )
        relations = cursor.fetchall()
        warmed = 0
        count = 0
        for oid, size in relations:
            if warmed + size > room * PREWARM_SHARE:
                break
            cursor.execute("SELECT pg_prewarm(%s::regclass)", [oid])
            warmed += size
            count += 1
    return {
        "relations": count,
        "of": len(relations),
        "bytes": warmed,
        "total": sum(size for _oid, size in relations),
        "shared_buffers": room,
    }


def measure(database_url, sizes, rounds):
    """Set up, then seed up to each size and time the pages there."""
    result = run(database_url, "setup", 0)
    result["sizes"] = []
    seeded = 0
    for size in sizes:
        log(f"{result['database']}: seeding {size - seeded:,} cases to reach {size:,}")
        took = run(database_url, "seed", size - seeded)["seconds"]
        seeded = size
        run(database_url, "small", 0)  # after the first seeding, which fills empty tables fast
        log(f"  seeded in {took:.0f} s; timing pages")
        pages = run(database_url, "time", rounds)
        result["sizes"].append({"cases": size, "seed_seconds": took, "pages": pages})
        log("  " + ", ".join(f"{k} p95 {v['p95']:.1f} ms" for k, v in pages.items()))
    return result


def run(database_url, step, argument):
    return json.loads(run_child(__file__, database_url, step, argument))


def verdicts(result):
    """Which targets each page meets at the largest size."""
    small, large = result["sizes"][0], result["sizes"][-1]
    trivial = large["pages"]["trivial"]["p95"]
    notes = {}
    for page in PAGES:
        p95 = large["pages"][page]["p95"]
        vs_trivial = p95 / trivial
        growth = p95 / small["pages"][page]["p95"]
        ok = vs_trivial <= TARGET_VS_TRIVIAL and growth <= TARGET_GROWTH
        notes[page] = (vs_trivial, growth, None if page in UNTARGETED else ok)
    return notes


def write_results(results, rounds, where):
    sizes = [s["cases"] for s in results[0]["sizes"]]
    header = "| database | page | " + " | ".join(f"{n:,} cases p50 / p95" for n in sizes)
    header += " | p95 vs trivial | p95 growth | targets |"
    rows = [header, "|---|---|" + "---:|" * len(sizes) + "---:|---:|---|"]
    seeding = []
    for result in results:
        notes = verdicts(result)
        for page, label in PAGES.items():
            cells = [
                f"{s['pages'][page]['p50']:.1f} / {s['pages'][page]['p95']:.1f} ms"
                for s in result["sizes"]
            ]
            vs_trivial, growth, ok = notes[page]
            verdict = "–" if ok is None else "met" if ok else "MISSED"
            tail = f"{vs_trivial:.1f}× | {growth:.2f}× | {verdict}"
            rows.append(f"| {result['database']} | {label} | {' | '.join(cells)} | {tail} |")
        total = sum(s["seed_seconds"] for s in result["sizes"])
        steps = " + ".join(f"{s['seed_seconds']:.0f} s" for s in result["sizes"])
        seeding.append(
            f"| {result['database']} | {sizes[-1]:,} | {steps} = {total:.0f} s "
            f"({total / 60:.1f} min) | {sizes[-1] / total:,.0f} cases/s |"
        )
    settings = f"{rounds} requests of each kind after {WARM_UP} warm-up rounds."
    publish("cases_pages", [measured_on(where, settings), "", *rows])
    publish(
        "cases_pages_seeding",
        ["| database | cases | time | rate |", "|---|---:|---:|---:|", *seeding],
    )


def time_existing(urls, rounds, warm):
    """The pages of databases seeded beforehand (a million cases take longer to make than
    this script's steps should hold a scratch database), each in turn: p95 against the
    trivial page's in the same run, and against the same page's p95 on the first database
    (the smallest, for the growth the targets bound). With ``warm``, each PostgreSQL
    database is read into shared_buffers first (``prewarm``)."""
    where = machine()
    rows = [
        "| database | cases | page | p50 / p95 | p95 vs trivial | p95 vs first |",
        "|---|---:|---|---:|---:|---:|",
    ]
    first = None
    warmed = []
    for url in urls:
        if seconds := run(url, "small", 0)["seconds"]:
            log(f"{url.rsplit('/', 1)[-1]}: the small centre's cases seeded in {seconds:.0f} s")
        about = run(url, "count", 0)
        if warm and not url.startswith("sqlite"):
            done = run(url, "prewarm", 0)
            warmed.append(
                f"{about['cases']:,} cases: {done['relations']} of {done['of']} relations, "
                f"{done['bytes'] / 1e9:.1f} of {done['total'] / 1e9:.1f} GB"
            )
            buffers = done["shared_buffers"]
        log(f"{about['database']}: timing the pages at {about['cases']:,} cases")
        pages = run(url, "time", rounds)
        first = first or pages
        trivial = pages["trivial"]["p95"]
        for page, label in PAGES.items():
            p50, p95 = pages[page]["p50"], pages[page]["p95"]
            rows.append(
                f"| {about['database']} | {about['cases']:,} | {label} "
                f"| {p50:.1f} / {p95:.1f} ms | {p95 / trivial:.1f}× "
                f"| {p95 / first[page]['p95']:.2f}× |"
            )
    settings = f"{rounds} requests of each kind after {WARM_UP} warm-up rounds."
    if warmed:
        settings += (
            f" Each database read into shared_buffers ({buffers / 2**30:.0f} GiB) first, "
            f"smallest relations first (--prewarm): {'; '.join(warmed)}."
        )
    block = BLOCKS[1] if urls[0].startswith("sqlite") else BLOCKS[0]
    publish(block, [measured_on(where, settings), "", *rows])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432/lindungi_bench_cases"
    )
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument(
        "--existing",
        nargs="+",
        metavar="URL",
        help="time the pages on these databases as they are, in turn (set up and seeded by "
        "bench/seed.py --keep), nothing created or dropped",
    )
    parser.add_argument(
        "--prewarm",
        action="store_true",
        help="with --existing on PostgreSQL: read each database into shared_buffers first, "
        "as much as it holds (pg_prewarm), as a server that has been serving has it",
    )
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        step, argument = args.child
        print(json.dumps(child(step, int(argument))))
        return
    if args.existing:
        time_existing(args.existing, args.requests, args.prewarm)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    where = machine()
    results = []
    if args.only != "postgres":
        with tempfile.TemporaryDirectory() as scratch:
            results.append(measure(f"sqlite:///{scratch}/bench.sqlite3", sizes, args.requests))
    if args.only != "sqlite":
        postgres(args.postgres, "create")
        try:
            results.append(measure(args.postgres, sizes, args.requests))
        finally:
            postgres(args.postgres, "drop")
    write_results(results, args.requests, where)


if __name__ == "__main__":
    main()
