"""What encrypting personal data costs: per write, per search, and for ``rotate-keys``.

Usage: ``.venv/bin/python bench/encryption.py [--postgres URL] [--writes N] [--rows N]``

Each database gets a fresh, migrated copy (a temporary SQLite file in WAL mode, as
deployed; a scratch PostgreSQL database), with the test settings' keys and the test-only
models of tests/core/encryption_app: a person with a name, an alias, a NIK, a phone number
and an address, stored three ways: plain columns, encrypted, and encrypted with blind
indexes (name tokens, NIK, phone). One write is inserting one person in its own
transaction. Writes alternate between the three so drift in the machine's load hits all
alike; the median write is reported. Then ``--rows`` people are loaded, searched by name and phone,
and rotated to a new key. Results go to this script's section of bench/RESULTS.md.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import describe, machine, measured_on, postgres, publish, run_child

ROUNDS = 5


def person(n):
    return {
        "name": f"Siti Aminah Binti Bench{n}",
        "alias": "Mbak Siti",
        "nik": f"3174{n:012d}",
        "phone": f"0812{n:08d}",
        "address": f"Jl. Mawar No. {n}, RT 01/RW 02, Tebet, Jakarta Selatan",
    }


def measure(writes, rows):
    """Runs inside a child process whose DATABASE_URL is the database to measure."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import override_settings

    from lindungi.core import crypto, rotation
    from lindungi.core.fields import encrypted_fields
    from tests.core.encryption_app.models import Person, PlainPerson, UnindexedPerson

    call_command("migrate", run_syncdb=True, verbosity=0)
    models = {"plain": PlainPerson, "encrypted": UnindexedPerson, "indexed": Person}

    def write(model, n):
        start = time.perf_counter()
        with transaction.atomic():
            model.objects.create(**person(n))
        return (time.perf_counter() - start) * 1e6

    # Interleaved write by write, so a burst of load on the shared machine (or a slow
    # fsync) hits the three alike; the median write is reported.
    for n in range(writes):  # warm up connections, caches and statement plans
        for model in models.values():
            write(model, n)
    times = {key: [] for key in models}
    for n in range(writes, writes * (ROUNDS + 1)):
        for key, model in models.items():
            times[key].append(write(model, n))
    write_us = {key: statistics.median(values) for key, values in times.items()}

    value = person(0)["address"]
    start = time.perf_counter()
    for _ in range(10000):
        crypto.decrypt(crypto.encrypt(value))
    crypt_us = (time.perf_counter() - start) / 10000 * 1e6

    Person.objects.all().delete()
    start = time.perf_counter()
    for first in range(0, rows, 1000):
        Person.objects.bulk_create(
            [Person(**person(n)) for n in range(first, min(first + 1000, rows))]
        )
    load_s = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # what autovacuum does after a load on PostgreSQL

    def timed(query, repeat=20):
        start = time.perf_counter()
        for _ in range(repeat):
            found = len(query())
        return (time.perf_counter() - start) / repeat * 1e3, found

    name_ms, name_found = timed(
        lambda: list(Person.objects.search_name(f"aminah bench{rows // 2}"))
    )
    phone_ms, phone_found = timed(
        lambda: list(Person.objects.with_phone(person(rows // 3)["phone"]))
    )
    assert name_found == 1 and phone_found == 1

    old_key = settings.FIELD_KEYS[0]
    new_key = "YmVuY2gtcm90YXRpb24tbmV3LWtleS0wMDAwMDAwMDA="
    with override_settings(FIELD_KEYS=[new_key, old_key]):
        start = time.perf_counter()
        tally, finished = rotation.rotate_model(Person, encrypted_fields(Person), batch_size=500)
        rotate_s = time.perf_counter() - start
        assert finished
    with override_settings(FIELD_KEYS=[new_key]):
        assert (
            Person.objects.search_name(f"bench{rows - 1}").get().phone == person(rows - 1)["phone"]
        )
    return {
        "database": describe(connection),
        "write_us": write_us,
        "crypt_us": crypt_us,
        "rows": rows,
        "load_rows_per_s": rows / load_s,
        "name_search_ms": name_ms,
        "phone_search_ms": phone_ms,
        "rotated_values": tally.values,
        "rotate_values_per_s": tally.values / rotate_s,
        "rotate_rows_per_s": tally.rows / rotate_s,
    }


def measured(database_url, writes, rows):
    return json.loads(run_child(__file__, database_url, "--writes", writes, "--rows", rows))


def write_results(results, writes, where):
    write_rows = [
        "| database | plain | encrypted (5 fields) | + blind indexes | added by encryption "
        "| added by indexes |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    other_rows = [
        "| database | rows | bulk load | name search (2 tokens) | phone search | rotate-keys |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        w = r["write_us"]
        write_rows.append(
            f"| {r['database']} | {w['plain']:.0f} µs | {w['encrypted']:.0f} µs "
            f"| {w['indexed']:.0f} µs | {w['encrypted'] - w['plain']:.0f} µs "
            f"| {w['indexed'] - w['encrypted']:.0f} µs |"
        )
        other_rows.append(
            f"| {r['database']} | {r['rows']:,} | {r['load_rows_per_s']:,.0f} rows/s "
            f"| {r['name_search_ms']:.1f} ms | {r['phone_search_ms']:.1f} ms "
            f"| {r['rotate_values_per_s']:,.0f} values/s ({r['rotate_rows_per_s']:,.0f} rows/s, "
            f"{r['rotated_values']:,} values) |"
        )
    settings = (
        f"Median of {ROUNDS * writes} writes of each kind; load average "
        f"{os.getloadavg()[0]:.1f} when it finished."
    )
    crypt = ", ".join(f"{r['crypt_us']:.1f} µs" for r in results)
    publish(
        "encryption",
        [
            measured_on(where, settings),
            "",
            *write_rows,
            "",
            f"Encrypting and decrypting one 60-character value (no database): {crypt} "
            "(one per child process).",
        ],
    )
    publish("encryption_search", other_rows)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432/lindungi_bench_crypto"
    )
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.writes, args.rows)))
        return
    where = machine()
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        results.append(measured(f"sqlite:///{scratch}/bench.sqlite3", args.writes, args.rows))
    postgres(args.postgres, "create")
    results.append(measured(args.postgres, args.writes, args.rows))
    write_results(results, args.writes, where)


if __name__ == "__main__":
    main()
