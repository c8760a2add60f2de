import factory

from xuchang_ecom.accounts import services
from xuchang_ecom.accounts.models import Organisation, Role, User
from xuchang_ecom.accounts.validators import uscc_check_character
from xuchang_ecom.regions.models import Region

DEFAULT_PASSWORD = "test-password-1"


def region(path: str) -> Region:
    """A node of the migrated tree by its display path, e.g. ``长葛市/佛耳湖镇``."""
    return Region.objects.get(path=f"许昌市/{path}/")


def uscc(number: int) -> str:
    """A valid unified social credit code (check character included), one per ``number``."""
    first17 = f"91411082MA{number:07d}"
    return first17 + uscc_check_character(first17)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试企业{n:03d}")
    region = factory.LazyFunction(lambda: region("长葛市"))


def make_user(username: str, role: str, **binding) -> User:
    return services.user_create(username=username, password=DEFAULT_PASSWORD, role=role, **binding)


def city_staff(username="city") -> User:
    return make_user(username, Role.CITY_STAFF)


def county_staff(username="changge", county="长葛市") -> User:
    return make_user(username, Role.COUNTY_STAFF, region=region(county))


def reporter(username="reporter", organisation=None) -> User:
    return make_user(username, Role.REPORTER, organisation=organisation or OrganisationFactory())
