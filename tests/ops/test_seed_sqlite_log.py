"""A parallel ``lindungi seed`` on a SQLite file keeps its write-ahead log to about a batch:
the log of a million-case seed once grew to 57 GB and filled the disk."""

import itertools
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.deployments import ROOT, deployment, is_sqlite, run

CASES = 3000
BATCH = 100


def test_a_parallel_seed_on_sqlite_keeps_the_write_ahead_log_to_a_few_batches(
    db, tmp_path, databases
):
    if not is_sqlite():
        pytest.skip("SQLite's write-ahead log")
    url = databases.migrated("seed")
    # Debug: the demo's units and case workers (published passwords), for the seed.
    env = deployment(tmp_path, "data", url, LINDUNGI_DEBUG="1")
    run(env, "demo")
    database = Path(url.removeprefix("sqlite:///"))
    log = database.with_name(database.name + "-wal")
    command = ["seed", "--cases", str(CASES), "--workers", "2", "--batch-size", str(BATCH)]
    seeder = subprocess.Popen(
        [sys.executable, "-m", "lindungi.cli", *command],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    sizes = []
    while seeder.poll() is None:
        if log.exists():
            sizes.append(log.stat().st_size)
        time.sleep(0.005)
    assert seeder.returncode == 0, seeder.stderr.read().decode(errors="replace")
    # The log is emptied again and again, not only when the seed ends (its last
    # connection closes): at least once for every four of the thirty batches.
    restarts = sum(1 for before, after in itertools.pairwise(sizes) if after < before)
    assert restarts >= CASES / BATCH / 4, f"{restarts} restarts, at most {max(sizes)} bytes"
