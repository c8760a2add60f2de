"""Small builders for the poverty registry, all writing through the services (so the
resident ID is normalised, hashed and encrypted as in real use)."""
from datetime import date

from poverty import services
from poverty.models import AlleviationModel, Base, Enterprise, Household
from xuchang_ecom.accounts.tests.factories import region
from xuchang_ecom.tools.demo.poverty import demo_resident_id

GANGLI = "长葛市/佛耳湖镇/岗李村"


def yuzhou_village():
    """A placeholder village in 禹州市, the other county of the test world."""
    from villages.tests.factories import village

    return village("禹州市", "示例镇", "示例村")


def number_ending_in_x() -> str:
    """A valid resident ID number whose check character is X."""
    return next(number for number in map(demo_resident_id, range(1, 1000)) if number.endswith("X"))


def household(user, serial: int = 1, village=None, **overrides) -> Household:
    data = {"head_name": f"示例户主{serial:03d}", "resident_id": demo_resident_id(serial),
            "village": village or region(GANGLI), "size": 3, **overrides}
    return services.household_create(user=user, **data)


def enterprise(user, name: str = "示例带贫企业01", county: str = "长葛市", **overrides) -> Enterprise:
    data = {"name": name, "region": region(county), "recognised_on": date(2019, 1, 1),
            "alleviation_models": AlleviationModel.objects.filter(code="ecommerce-household"), **overrides}
    return services.enterprise_create(user=user, **data)


def base(user, name: str = "示例扶贫基地01", county: str = "长葛市", **overrides) -> Base:
    data = {"name": name, "region": region(county), "opened_on": date(2019, 1, 1), **overrides}
    return services.base_create(user=user, **data)
