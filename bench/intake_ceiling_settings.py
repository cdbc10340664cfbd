"""Settings of the server bench/intake_ratio.py measures its ceiling with: the deployed
settings, with one more route (``intake_ceiling.py``) that skips the browser's middleware
as the intake API does. Never used by the application."""

from lindungi.settings import *  # noqa: F403 - the deployed settings, one route added

ROOT_URLCONF = "intake_ceiling"
API_KEY_ROUTES = [*API_KEY_ROUTES, "ceiling"]  # noqa: F405
