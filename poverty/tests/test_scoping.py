"""County staff keep their own county's households; enterprise reporters see none at all."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from poverty import selectors, services
from poverty.tests.factories import base, enterprise, household, yuzhou_village
from xuchang_ecom.accounts.tests.factories import region

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(city_user, reporter_user):
    """A household in each county, both working at the reporter's enterprise's base."""
    own = enterprise(city_user, organisation=reporter_user.organisation)
    own_base = base(city_user, enterprise=own)
    other = enterprise(city_user, name="示例带贫企业02", county="禹州市")
    changge, yuzhou = household(city_user, serial=1), household(city_user, serial=2, village=yuzhou_village())
    for serial, member in [(1, changge), (2, yuzhou)]:
        services.employment_create(user=city_user, household=member, base=own_base, member_name=f"示例成员{serial}",
                                   started_on=date(2020, 1, 1))
        services.land_lease_create(user=city_user, household=member, base=own_base, area_mu=Decimal(5),
                                   annual_rent=Decimal(4000), started_on=date(2020, 1, 1))
    return {"own": own, "own_base": own_base, "other": other, "changge": changge, "yuzhou": yuzhou}


def test_city_staff_see_every_household(city_user, world):
    assert set(selectors.household_list(user=city_user)) == {world["changge"], world["yuzhou"]}


def test_county_staff_see_only_households_under_their_county(changge_user, world):
    assert list(selectors.household_list(user=changge_user)) == [world["changge"]]
    assert [e.household for e in selectors.employment_list(user=changge_user)] == [world["changge"]]
    with pytest.raises(Http404):
        selectors.household_get(user=changge_user, pk=world["yuzhou"].pk)


def test_county_staff_cannot_register_a_household_in_another_county(changge_user):
    with pytest.raises(ValidationError):
        household(changge_user, village=yuzhou_village())


def test_county_staff_cannot_change_another_countys_household(yuzhou_user, world):
    with pytest.raises(ValidationError):
        services.record_update(user=yuzhou_user, instance=world["changge"], data={"size": 5})


def test_reporters_see_no_household_and_no_link_even_at_their_own_base(reporter_user, world):
    assert not selectors.household_list(user=reporter_user).exists()
    assert not selectors.employment_list(user=reporter_user).exists()
    assert not selectors.land_lease_list(user=reporter_user).exists()
    assert selectors.household_find_by_id_number(user=reporter_user, number=world["changge"].resident_id) is None


def test_reporters_see_their_own_enterprise_and_its_bases_only(reporter_user, world):
    assert list(selectors.enterprise_list(user=reporter_user)) == [world["own"]]
    assert list(selectors.base_list(user=reporter_user)) == [world["own_base"]]
    with pytest.raises(Http404):
        selectors.enterprise_get(user=reporter_user, pk=world["other"].pk)


def test_county_staff_see_enterprises_and_bases_in_their_county(changge_user, yuzhou_user, world):
    assert list(selectors.enterprise_list(user=changge_user)) == [world["own"]]
    assert list(selectors.enterprise_list(user=yuzhou_user)) == [world["other"]]
    assert not selectors.base_list(user=yuzhou_user).exists()


def test_county_staff_cannot_register_an_enterprise_in_another_county(changge_user):
    from xuchang_ecom.accounts.models import Organisation

    with pytest.raises(ValidationError):
        enterprise(changge_user, county="禹州市")
    assert not Organisation.objects.filter(region=region("禹州市")).exists()
