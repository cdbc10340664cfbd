"""Writes made by a thread of their own, so that compressing and encrypting a file (zlib's
deflate and CRC, AES and HMAC: C that lets go of Python's lock) runs beside the formatting
of the next rows instead of after it: on a million XLSX rows deflate alone is about a
second of CPU. The thread only writes; the rows are read and formatted in the caller's
thread (its database connection is its own).

Writes are gathered into chunks of ``CHUNK`` bytes before the thread is handed one: each
hand-over costs the thread a wait for the lock of up to Python's switch interval (5 ms),
which with a hand-over per batch of rows kept it behind the formatting. Memory stays
constant: at most ``DEPTH`` chunks wait, one is being written, one is being gathered.
"""

import io
import queue
import threading
from contextlib import contextmanager

CHUNK = 8 << 20
DEPTH = 1


class _Behind(io.RawIOBase):
    def __init__(self, out):
        super().__init__()
        self.out, self.error, self.abandoned = out, None, False
        self.chunks: queue.Queue = queue.Queue(DEPTH)
        self.pending: list = []
        self.size = 0
        self.thread = threading.Thread(target=self._write_chunks, daemon=True)
        self.thread.start()

    def _write_chunks(self):
        for chunk in iter(self.chunks.get, None):
            if self.error is None and not self.abandoned:
                try:
                    self.out.write(b"".join(chunk))  # a large join lets go of the lock
                except Exception as error:  # raised in the caller's thread
                    self.error = error

    def writable(self):
        return True

    def write(self, data):
        self._raise()
        self.pending.append(bytes(data))
        self.size += len(data)
        if self.size >= CHUNK:
            self._hand_over()
        return len(data)

    def _hand_over(self):
        if self.pending:
            self.chunks.put(self.pending)
        self.pending, self.size = [], 0

    def _raise(self):
        if self.error is not None:
            raise self.error

    def finish(self):
        """Wait for the thread to write all that was written."""
        self._hand_over()
        self.chunks.put(None)
        self.thread.join()
        self._raise()

    def abandon(self):
        """Stop the thread, what it has not written yet left unwritten."""
        self.abandoned = True
        self.chunks.put(None)
        self.thread.join()


@contextmanager
def written_behind(out):
    """A binary stream whose writes reach ``out`` from a thread of their own, all of them
    by the end of the ``with`` block (an error of the thread's is raised here)."""
    stream = _Behind(out)
    try:
        yield stream
    except BaseException:
        stream.abandon()
        raise
    stream.finish()
