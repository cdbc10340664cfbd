"""What every route answers, written into the OpenAPI document in one place.

Some answers do not come from a route's own code but from the API around it: the database
out of reach (503, from any route), an address too long for the server (414, from
gunicorn), a body that is not JSON or too large (400, 413, on any route that takes one), a
query parameter out of range (422), and the If-Match header that every update needs
(``versions.required_version``). django-ninja documents only what a
route declares, so these are added to each operation here, from the same facts the
handlers in ``errors`` act on.
"""

import copy
from typing import Any

from django.utils.translation import get_language
from ninja import NinjaAPI

ERROR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "schema": {"type": "string"},
    "description": (
        "The ETag of the record as you read it: without it the update answers 428, with an "
        "older one 412."
    ),
}
UPDATES = {"patch", "put"}
WITH_BODY = {"post", "patch", "put"}


# gunicorn answers this one itself, before the app, as a page: a request line over its
# limit (4,094 bytes) never reaches Django. No real request comes near it.
TOO_LONG = {
    "description": "The address is longer than the server reads (answered by gunicorn).",
    "content": {"text/html": {"schema": {"type": "string"}}},
}


def _add(responses: dict[str, Any], status: int, description: str) -> None:
    responses.setdefault(str(status), {"description": description, **ERROR})


class DocumentedAPI(NinjaAPI):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._documents: dict[str, Any] = {}

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """The document, built once a process for each way it is asked for (and language):
        it follows from the routes alone, which are fixed once the URLs are loaded, and
        building it takes pydantic about a third of a second. Each caller gets its own copy."""
        key = repr((get_language(), args, sorted(kwargs.items())))
        if key not in self._documents:
            self._documents[key] = self._document(*args, **kwargs)
        return copy.deepcopy(self._documents[key])

    def _document(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                responses = operation["responses"]
                parameters = operation.setdefault("parameters", [])
                _add(responses, 503, "The database cannot be reached; nothing was saved.")
                responses.setdefault("414", TOO_LONG)
                if method in WITH_BODY:
                    _add(responses, 400, "The body is not JSON in UTF-8 (malformed_body).")
                    _add(responses, 413, "The body is too large (too_large).")
                if any(parameter["in"] == "query" for parameter in parameters):
                    _add(responses, 422, "A query parameter is not valid (invalid).")
                if method in UPDATES and not any(p["name"] == "If-Match" for p in parameters):
                    parameters.append(IF_MATCH)
                if not parameters:
                    del operation["parameters"]
        return schema
