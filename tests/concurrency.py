"""Running the same thing in several threads at once, for the tests of races."""

import threading

from django.db import connections


def at_once(action, times=2):
    """Run ``action`` in ``times`` threads released together; return what each returned
    (or the exception it raised), in the order they finished."""
    barrier = threading.Barrier(times)
    outcomes = []

    def run():
        try:
            barrier.wait()
            outcomes.append(action())
        except Exception as error:  # the race's loser: the caller looks at it
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
