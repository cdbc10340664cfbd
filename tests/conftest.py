import pytest

from tests.personas import make_personas


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load Jakarta's regions once per test database: most tests need a kelurahan."""
    from lindungi.places.loader import load_province

    with django_db_blocker.unblock():
        load_province("31")


@pytest.fixture
def personas(db):
    return make_personas()


@pytest.fixture
def indonesian(settings):
    """The deployment's default language, as a person without a language cookie sees it."""
    settings.LANGUAGE_CODE = "id"
