"""Moving the test database along the migration graph, for tests of data migrations (run
them under ``tests.browser.marks.commits``: a migration cannot run inside the test's
transaction, and the tables are emptied afterwards)."""

from contextlib import contextmanager

from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@contextmanager
def _every_app():
    """The migration graph needs every app, and ``commits`` hides the regions' app (so the
    flush after the test keeps its rows)."""
    available = [config.name for config in apps.get_app_configs()]
    apps.unset_available_apps()
    try:
        yield
    finally:
        apps.set_available_apps(available)


def migrate(targets=None):
    """Migrate to ``targets`` ((app, migration) pairs; None: the latest)."""
    with _every_app():
        executor = MigrationExecutor(connection)
        executor.migrate(targets or executor.loader.graph.leaf_nodes())


def models_at(node):
    """The historical models (an apps registry) as they were at migration ``node``: the
    code that wrote rows then."""
    with _every_app():
        return MigrationExecutor(connection).loader.project_state(node).apps
