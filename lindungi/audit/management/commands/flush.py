"""Django's ``flush``, able to empty the append-only audit table too.

``flush`` removes every row of every table (the test runner calls it between
transactional tests). The audit triggers would refuse that; an operator who wipes the
whole database wipes its audit trail with it, so the triggers are lifted for that one
transaction and put back.
"""

from django.core.management.commands import flush
from django.db import connections

from lindungi.audit import guard


class Command(flush.Command):
    def handle(self, **options):
        with guard.lifted(connections[options["database"]]):
            return super().handle(**options)
