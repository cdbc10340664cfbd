import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction

from lindungi.audit import sealer
from tests.deployments import (  # noqa: F401 - fixtures
    Databases,
    databases,
    migrated_template,
    new_database,
)
from tests.personas import make_personas

# `--clock`: the whole run at another instant (tests/clock.py).
pytest_plugins = ["tests.clock"]

# The modules that take longest, longest first (`--durations`), sent to the workers before
# the rest: pytest-xdist hands out whole modules (`--dist loadscope`) in collection order
# (`--no-loadscope-reorder`: by default it sends the modules with most tests first, and the
# one-test walks last), and a long module sent last would keep a worker busy minutes after
# the other ran out of work. Only the order changes; a module not named runs in its place.
SLOWEST = (
    "tests/test_permission_matrix.py",
    "tests/browser/test_accessibility_walk.py",
    "tests/test_date_fuzz.py",
    "tests/ops/test_backup.py",
    "tests/cases/test_free_text_encrypted.py",
    "tests/intake/test_crash_retry.py",
    "tests/cases/test_edits.py",
    "tests/casework/test_move_migration.py",
    "tests/intake/test_submit_once_migration.py",
    "tests/test_form_input_walk.py",
)


def pytest_collection_modifyitems(items):
    first = {module: rank for rank, module in enumerate(SLOWEST)}
    items.sort(key=lambda item: first.get(item.nodeid.split("::", 1)[0], len(first)))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, tmp_path_factory):
    """Load Jakarta's regions once per test database: most tests need a kelurahan. Before,
    keep a copy of the database as migrated: the template of the deployments that tests run
    in their own processes (``migrated_template``), copied in well under a second where a
    migrate of their own takes twenty."""
    from lindungi.places.loader import load_province

    copies = Databases(tmp_path_factory.mktemp("template"))
    with django_db_blocker.unblock():
        template = copies.copy_of_the_test_database("template")
        load_province("31")
    yield template
    sealer.background.stop()  # its connection would keep the test database from being dropped
    copies.drop()


@pytest.fixture
def personas(db):
    return make_personas()


@pytest.fixture(scope="module")
def module_rows(django_db_setup, django_db_blocker):
    """A transaction around a whole module, rolled back at its end, for rows that every test
    of the module reads and none changes (personas, cases, logged-in sessions): made once
    instead of once a test. Each test's own transaction is a savepoint inside it, so what a
    test writes is still undone when it ends. Modules run whole on one worker
    (``--dist loadscope``), so this is once a module, not once a test."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def module_personas(module_rows):
    """The personas, made once for a module (see ``module_rows``)."""
    return make_personas()


@pytest.fixture
def indonesian(settings):
    """The deployment's default language, as a person without a language cookie sees it."""
    settings.LANGUAGE_CODE = "id"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: hints kept there (a worker's cases outside
    their assignments, a province's kota) must not leak from one test's data to another's.

    Django's content types are cached in the process too (the admin's log names one): an id
    read in a test whose rows were rolled back or flushed names no row in the next test, and
    saving it fails there, depending on which tests the process ran before (xdist's order)."""
    cache.clear()
    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _audit_sealed():
    """What a test committed is sealed before the next test starts: the process's sealing
    thread works beside the test, and a transactional test's tables are emptied after it."""
    yield
    sealer.background.settle()
