import pytest
from django.test import Client

from tests.cases.factories import make_case
from tests.login import log_in


@pytest.fixture
def cases(personas):
    return {
        "a": make_case(personas, "a"),
        "b": make_case(personas, "b"),
        "restricted": make_case(personas, "a", restricted=True),
    }


@pytest.fixture
def api_client():
    """``api_client(user)``: a test client logged in as ``user``, second factor included."""

    def make(user, **options):
        client = Client(**options)
        log_in(client, user)
        return client

    return make
