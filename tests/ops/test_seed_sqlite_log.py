"""A parallel ``lindungi seed`` on a SQLite file keeps its write-ahead log to a few batches:
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


def test_a_parallel_seed_on_sqlite_keeps_its_write_ahead_log_smaller_than_the_database(
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
    # The log is emptied again and again, not only when the seed ends (its last connection
    # closes): with the checkpoint some twenty times in thirty batches, the log 36 MB at
    # most beside a 79 MB database; without it twice, and 93 to 133 MB. Under a loaded
    # machine fewer restarts are seen, so either sign of a kept log passes: often emptied,
    # or never near the size of the database.
    restarts = sum(1 for before, after in itertools.pairwise(sizes) if after < before)
    written = database.stat().st_size
    emptied = restarts >= CASES / BATCH / 4
    assert emptied or max(sizes) < written * 3 / 4, (
        f"{restarts} restarts, at most {max(sizes)} of {written} bytes"
    )
