"""The submit-once service (lindungi.core.once): one outcome per key, whoever asks twice,
at once or later; a key used for another request is refused; keys expire; a failed
attempt leaves the key free; twins wait for each other on the database, never on a clock."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone

from lindungi.core.models import SubmittedKey
from lindungi.core.once import KeyReused, Replayed, SubmitOnce, digest_of, form_digest, purge
from lindungi.ops.management.commands.worker import run_jobs
from tests.browser.marks import commits
from tests.concurrency import at_once
from tests.deployments import deployment, run

pytestmark = pytest.mark.django_db


def attempt(key="k-1", digest="d-1", outcome=None, scope="test.form", owner="user-1"):
    """One request's whole transaction: claim, work, outcome. Returns what it answers:
    ("did", outcome) or ("replayed", outcome)."""
    once = SubmitOnce(scope, owner, key, digest)
    try:
        with transaction.atomic():
            once.claim()
            once.done(outcome or {"url": "/made/1/"})
    except Replayed as earlier:
        return "replayed", earlier.outcome
    return "did", once.outcome


def test_the_second_request_with_a_key_gets_the_first_outcome():
    assert attempt() == ("did", {"url": "/made/1/"})
    assert attempt(outcome={"url": "/made/2/"}) == ("replayed", {"url": "/made/1/"})
    assert SubmittedKey.objects.count() == 1


def test_the_same_key_with_another_request_is_refused():
    attempt()
    with pytest.raises(KeyReused):
        attempt(digest="d-2")
    assert json.loads(SubmittedKey.objects.get().outcome) == {"url": "/made/1/"}


def test_a_key_claimed_without_a_digest_answers_any_request_with_it():
    attempt(digest="")
    assert attempt(digest="d-anything")[0] == "replayed"


def test_keys_are_per_scope_and_per_owner():
    assert attempt()[0] == "did"
    assert attempt(scope="other.form")[0] == "did"
    assert attempt(owner="user-2")[0] == "did"
    assert SubmittedKey.objects.count() == 3


def test_a_failed_attempt_leaves_the_key_free():
    once = SubmitOnce("test.form", "user-1", "k-1", "d-1")
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        once.claim()
        _ = 1 / 0  # the work fails: its transaction, claim included, rolls back
    assert not SubmittedKey.objects.exists()
    assert attempt() == ("did", {"url": "/made/1/"})


def test_run_claims_works_and_stores_in_one_transaction():
    once = SubmitOnce("test.form", "user-1", "k-1", answer=lambda url: {"url": url})
    assert once.run(lambda: "/made/1/") == "/made/1/"
    again = SubmitOnce("test.form", "user-1", "k-1", answer=lambda url: {"url": url})
    with pytest.raises(Replayed) as earlier:
        again.run(lambda: "/made/2/")
    assert earlier.value.outcome == {"url": "/made/1/"}
    assert again.earlier() == {"url": "/made/1/"}


def test_a_claim_that_knows_its_result_stores_the_answer_in_one_statement():
    once = SubmitOnce("test.form", "user-1", "k-1", "d-1", answer=lambda url: {"url": url})
    statements = []
    with (
        transaction.atomic(),
        connection.execute_wrapper(
            lambda execute, sql, *args: statements.append(sql) or execute(sql, *args)
        ),
    ):
        once.claim("/made/1/")
    assert len(statements) == 1 and statements[0].startswith("INSERT")
    assert once.outcome == {"url": "/made/1/"}
    assert attempt(outcome={"url": "/made/2/"}) == ("replayed", {"url": "/made/1/"})


def test_keys_expire_after_the_setting(settings):
    attempt()
    later = timezone.now() + settings.SUBMIT_ONCE_KEEP + timedelta(minutes=1)
    with time_machine.travel(later):
        assert SubmitOnce("test.form", "user-1", "k-1").earlier() is None
        # Not purged yet: the claim itself treats the old row as gone.
        assert attempt(digest="d-2", outcome={"url": "/made/2/"})[0] == "did"
    assert json.loads(SubmittedKey.objects.get().outcome) == {"url": "/made/2/"}


def test_the_worker_purges_expired_keys_and_keeps_the_others(settings):
    attempt(key="old")
    with time_machine.travel(timezone.now() + timedelta(hours=20)):
        attempt(key="new")
    with time_machine.travel(timezone.now() + settings.SUBMIT_ONCE_KEEP + timedelta(hours=1)):
        run_jobs()
        assert purge() == 0
    assert list(SubmittedKey.objects.values_list("key", flat=True)) == ["new"]


def test_the_outcome_is_encrypted_at_rest():
    attempt(outcome={"pin": "Canary-482913"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT outcome FROM core_submittedkey")
        (stored,) = cursor.fetchone()
    assert "Canary" not in stored


def test_digests_ignore_key_order_and_the_csrf_token():
    assert digest_of({"a": 1, "b": [2]}) == digest_of({"b": [2], "a": 1})
    assert form_digest({"a": "1", "csrfmiddlewaretoken": "x"}) == form_digest({"a": "1"})
    assert form_digest({"a": "1", "token": "t"}, "token") == form_digest({"a": "1"})
    assert form_digest({"a": "1"}) != form_digest({"a": "2"})


# --- Twins at the same time ----------------------------------------------------------------


@commits
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's in-memory test database locks whole tables between threads; the "
    "deployment test below runs twins on a SQLite file",
)
def test_twins_at_once_do_the_work_once_on_postgresql():
    outcomes = at_once(lambda: attempt(key="twin"), times=4)
    assert sorted(kind for kind, _outcome in outcomes) == ["did"] + ["replayed"] * 3
    assert all(outcome == {"url": "/made/1/"} for _kind, outcome in outcomes)
    assert SubmittedKey.objects.count() == 1


TWINS = """
import json, threading, time
import django
django.setup()
from django.db import connections, transaction
from lindungi.core.once import Replayed, SubmitOnce

barrier = threading.Barrier(2)
answers = {}

def twin(name, fail):
    once = SubmitOnce("test.form", "user-1", "twin", "d-1")
    try:
        barrier.wait()
        if not fail:
            time.sleep(0.3)  # let the failing one claim first
        with transaction.atomic():
            once.claim()
            if fail:
                time.sleep(1)  # the other one waits on the database meanwhile
                raise ConnectionResetError
            once.done({"by": name})
        answers[name] = ["did", once.outcome]
    except Replayed as earlier:
        answers[name] = ["replayed", earlier.outcome]
    except ConnectionResetError:
        answers[name] = ["failed", None]
    finally:
        connections.close_all()

def round(fail_first):
    threads = [threading.Thread(target=twin, args=("first", fail_first)),
               threading.Thread(target=twin, args=("second", False))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return dict(answers)

print(json.dumps([round(True), round(False)]))
"""


def test_twins_in_another_process_wait_on_the_database_not_a_clock(tmp_path, databases):
    """On this suite's database kind (a SQLite file, or PostgreSQL), in a process of its
    own: a twin waits for the first; if the first fails, the twin does the work; once the
    work is done, the next twin replays it."""
    env = deployment(tmp_path, "data", databases.migrated("once"))
    failing, replaying = json.loads(run(env, code=TWINS).stdout.splitlines()[-1])
    assert failing == {"first": ["failed", None], "second": ["did", {"by": "second"}]}
    assert replaying == {"first": ["replayed", {"by": "second"}], "second": replaying["first"]}
