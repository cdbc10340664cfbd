"""Django's PostgreSQL backend, with a health check that asks the socket, not the server.

Before a request's first query Django checks its persistent connection
(``CONN_HEALTH_CHECKS``) with ``SELECT 1``: a round trip on every request, about a tenth of
the intake API's time in the database. A connection the server has closed (a restart, a
crash, a terminated backend) has something to read on its socket: the server's last
message, or the end of the stream. An idle connection in good health has nothing: the
server sends nothing unasked (no LISTEN here). So a connection is usable when psycopg knows
nothing wrong with it, it is outside a transaction, and its socket has nothing to read;
otherwise Django closes it and the request opens a new one, as after a failed ``SELECT 1``.
What neither check sees in time (a network that silently drops packets) fails the query
itself, as before.
"""

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        pgconn = connection.pgconn
        if pgconn.transaction_status != pq.TransactionStatus.IDLE:
            return False
        poll = select.poll()  # not select(): a file descriptor past 1024 is refused there
        poll.register(pgconn.socket, select.POLLIN)
        return not poll.poll(0)
