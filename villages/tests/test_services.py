import pytest
from django.core.exceptions import ValidationError

from villages import services
from villages.models import DesignationKind
from villages.tests.factories import DesignationFactory, SourceReportFactory, village
from xuchang_ecom.accounts.tests.factories import region

pytestmark = pytest.mark.django_db


def _create(user, **overrides):
    data = {"place": region("长葛市/佛耳湖镇/岗李村"), "kind": DesignationKind.VILLAGE, "year": 2020,
            "source": SourceReportFactory(), **overrides}
    return services.designation_create(user=user, **data)


def test_a_designation_is_recorded_with_its_products_tidied(city_user):
    designation = _create(city_user, main_products="蜂蜜, 蜂蜡，蜂机具")
    assert designation.main_products == "蜂蜜、蜂蜡、蜂机具"


def test_a_second_designation_for_the_same_place_kind_and_year_is_refused(city_user):
    _create(city_user)
    with pytest.raises(ValidationError):
        _create(city_user)


def test_a_taobao_town_must_be_a_township_and_a_village_a_village(city_user):
    with pytest.raises(ValidationError) as error:
        _create(city_user, kind=DesignationKind.TOWN)
    assert "place" in error.value.message_dict
    _create(city_user, kind=DesignationKind.TOWN, place=region("长葛市/佛耳湖镇"))


def test_negative_sales_and_implausible_years_are_refused(city_user):
    with pytest.raises(ValidationError):
        _create(city_user, online_sales=-1)
    with pytest.raises(ValidationError):
        _create(city_user, year=1999)


def test_county_staff_cannot_record_or_move_a_designation_outside_their_division(changge_user):
    with pytest.raises(ValidationError):
        _create(changge_user, place=village("禹州市", "示例镇", "示例村"))
    mine = _create(changge_user)
    with pytest.raises(ValidationError):
        services.designation_update(user=changge_user, designation=mine,
                                    data={"place": village("禹州市", "示例镇", "示例村")})


def test_county_staff_cannot_change_a_designation_of_another_county(yuzhou_user):
    theirs = DesignationFactory()
    with pytest.raises(ValidationError):
        services.designation_update(user=yuzhou_user, designation=theirs, data={"note": "x"})
