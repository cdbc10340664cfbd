import pytest
from django.apps import apps

# For tests that must commit (threads, a live server): afterwards every table is emptied
# except the regions', which conftest loads once per session and later tests rely on.
commits = pytest.mark.django_db(
    transaction=True,
    available_apps=[c.name for c in apps.get_app_configs() if c.name != "lindungi.places"],
)
