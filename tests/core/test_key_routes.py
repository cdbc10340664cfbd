"""Routes called with an API key skip the browser's middleware, and keep every header and
log line the other routes get (lindungi/core/key_routes.py)."""

import json
import logging

import pytest
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.test import Client, override_settings
from django.urls import path
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt

from lindungi.core.key_routes import KeyRoutesMiddleware
from tests.login import log_in

HOOKS = ("process_view", "process_exception", "process_template_response")


@login_not_required
@csrf_exempt
def what_ran(request):
    """What the middleware left on the request: a session and a user are the browser's."""
    return JsonResponse({"session": hasattr(request, "session"), "user": hasattr(request, "user")})


@login_not_required
@csrf_exempt
def fails(request):
    raise ValueError("the view failed")


urlpatterns = [
    path("test/key/", what_ran, name="key_route"),
    path("test/key/fails/", fails, name="key_route_fails"),
    path("test/page/", what_ran, name="page"),
]
KEY_ROUTES = ["key_route", "key_route_fails"]


def test_the_middleware_every_response_passes_hooks_no_view():
    """A key route's view runs without the handler's hooks: none may be listed before."""
    split = settings.MIDDLEWARE.index(f"{KeyRoutesMiddleware.__module__}.KeyRoutesMiddleware")
    shared = settings.MIDDLEWARE[:split]
    for name in shared:
        for hook in HOOKS:
            assert not hasattr(import_string(name), hook), (name, hook)


@pytest.mark.urls(__name__)
@override_settings(API_KEY_ROUTES=KEY_ROUTES)
def test_a_key_route_skips_the_browser_middleware_and_keeps_the_headers(personas, caplog):
    client = Client()
    log_in(client, personas.case_worker_a)  # a session cookie, which a key route ignores
    with caplog.at_level(logging.INFO, logger="lindungi.request"):
        key = client.post("/test/key/")
    assert json.loads(key.content) == {"session": False, "user": False}
    assert json.loads(client.post("/test/page/").content) == {"session": True, "user": True}
    assert key["X-Request-ID"]
    assert key["X-Frame-Options"] == "DENY"
    assert key["X-Content-Type-Options"] == "nosniff"
    assert key["Referrer-Policy"] == "same-origin"
    assert "Content-Security-Policy" in key
    assert "camera=()" in key["Permissions-Policy"]
    assert key["Content-Language"] == settings.LANGUAGE_CODE
    [line] = [r for r in caplog.records if getattr(r, "route", None) == "key_route"]
    assert (line.status, line.user_id) == (200, None)


@pytest.mark.urls(__name__)
@override_settings(API_KEY_ROUTES=KEY_ROUTES)
def test_a_key_routes_failure_is_a_500_page_not_a_crash(db):
    response = Client(raise_request_exception=False).post("/test/key/fails/")
    assert response.status_code == 500
    assert response["X-Request-ID"]
