"""The one API instance: /api/v1/, its schema at /api/v1/openapi.json, docs at /api/v1/docs.

Routers are added here. Each takes the API's default authentication (a staff session with
a verified second factor) unless it names its own; see ``lindungi.api.auth``.
"""

import json
from typing import Any, cast

from django.http import HttpRequest
from ninja.parser import Parser

from lindungi.api import (
    cases,
    casework,
    errors,
    intake,
    messages,
    prevention,
    referrals,
    response,
    shelter,
)
from lindungi.api.auth import StaffSession
from lindungi.api.document import DocumentedAPI


class Utf8Parser(Parser):
    """JSON bodies in strict UTF-8. ``json.loads`` given bytes lets UTF-8-encoded surrogates
    through (it decodes with ``surrogatepass``); decoded strictly they are what they are, not
    UTF-8, and the body is a 400 ``malformed_body`` like any other undecodable one."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        return cast(dict[str, Any], json.loads(request.body.decode("utf-8")))


api = DocumentedAPI(
    title="Lindungi API",
    version="1",
    description=(
        "Cases, clients, incidents and perpetrators, and their case work (assessments, plan, "
        "services, notes, tasks), the rapid response unit's dispatches, safe-house placements "
        "and occupancy, with the same access "
        "rules as the staff pages: anything out of your scope answers 404. Reads return an "
        "ETag; "
        "updates need it back in If-Match (428 without, 412 when stale)."
    ),
    urls_namespace="api",
    auth=StaffSession(),
    parser=Utf8Parser(),
)
errors.install(api)
api.add_router("/", cases.router)
api.add_router("/", casework.router)
api.add_router("/", messages.router)
api.add_router("/", response.router)
api.add_router("/", prevention.router)
api.add_router("/", referrals.router)
api.add_router("/", shelter.router)
# Integrations' API keys open this router only (its own auth); sessions do not.
api.add_router("/reports", intake.router)
