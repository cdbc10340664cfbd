"""The least a Django view can do for a report: the bench's ceiling for the intake ratio.

``POST /ceiling`` parses its JSON body and runs, in one transaction on Django's
connection, the very INSERTs ``bench/intake_ratio.py`` replays (captured from the action
on first use, every key renewed per request), and answers 201. No API key, no validation,
no encryption, no blind index, no idempotency, no audit: none of the work the intake
route does, only the server, Django's request and response, and the rows. Whatever
implements ``POST /api/v1/reports`` on this stack costs at least this much, so its
requests/s over the replay's is the most any intake route can keep.

The URLconf of ``intake_ceiling_settings``: the application's routes and this one. Never
used by the application.
"""

import json
import threading

from django.contrib.auth.decorators import login_not_required
from django.db import connection, transaction
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from lindungi.urls import urlpatterns as application

_captured = []
_capturing = threading.Lock()


def _inserts():
    with _capturing:
        if not _captured:
            from intake_ratio import capture

            _captured.extend(capture())
    return _captured


@login_not_required
@csrf_exempt
def ceiling(request):
    from intake_ratio import _transaction

    json.loads(request.body)
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, params in _transaction(_inserts()):
            cursor.execute(sql, params)
    return JsonResponse({"stored": True}, status=201)


urlpatterns = [path("ceiling", ceiling, name="ceiling"), *application]
