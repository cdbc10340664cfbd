import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from lindungi.accounts.models import User


@pytest.fixture
def user(db):
    return User(email="siti.rahma@test.lindungi.id", display_name="Siti Rahma")


def codes(password, user):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


def test_twelve_characters_without_composition_rules_are_enough(user):
    assert codes("kopi susu gula", user) == set()


def test_eleven_characters_are_too_short(user):
    assert "password_too_short" in codes("kopisusugul", user)


def test_a_64_character_passphrase_is_accepted(user):
    assert codes("tenang " * 9 + "sekali", user) == set()


def test_a_huge_password_is_refused(user):
    assert "password_too_long" in codes("a long one " * 100, user)


def test_a_common_password_is_refused(user):
    assert "password_too_common" in codes("123456123456", user)


def test_a_password_like_the_email_is_refused(user):
    assert "password_too_similar" in codes("siti.rahma@test", user)
