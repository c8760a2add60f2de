"""The reporting world: a reporter of an enterprise in 长葛市 and one in 禹州市."""
import pytest

from .factories import enterprise_reporter


@pytest.fixture
def reporter_a(city_user):
    return enterprise_reporter(city_user, "reporter_changge")


@pytest.fixture
def reporter_b(city_user):
    return enterprise_reporter(city_user, "reporter_yuzhou", county="禹州市")
