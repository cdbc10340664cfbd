"""Every rapid response test runs in the middle of a shift (see ``mid_shift``)."""

import pytest

from tests.response.factories import mid_shift

__all__ = ["mid_shift"]


@pytest.fixture(autouse=True)
def _in_the_middle_of_a_shift(mid_shift):
    yield
