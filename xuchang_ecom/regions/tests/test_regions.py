import pytest
from django.core.exceptions import ValidationError

from xuchang_ecom.regions import services
from xuchang_ecom.regions.models import Level, Region
from xuchang_ecom.regions.selectors import region_find

pytestmark = pytest.mark.django_db


def test_the_migrated_tree_has_the_city_and_its_seven_county_level_divisions():
    city = Region.objects.get(level=Level.CITY)
    assert city.name == "许昌市" and city.code == "411000000000"
    assert set(Region.objects.counties().values_list("name", flat=True)) == {
        "魏都区", "建安区", "禹州市", "长葛市", "鄢陵县", "襄城县", "东城区",
    }
    assert Region.objects.get(name="东城区").is_functional_area


def test_the_places_the_report_names_sit_under_changge():
    gangli = Region.objects.get(name="岗李村")
    assert gangli.display_path == "长葛市/佛耳湖镇/岗李村"
    assert gangli.county.name == "长葛市"
    assert {r.name for r in Region.objects.filter(parent__name="长葛市")} >= {"佛耳湖镇", "大周镇", "石象镇"}


def test_everything_under_a_county_is_one_query_without_neighbours(django_assert_num_queries):
    changge = Region.objects.get(name="长葛市")
    with django_assert_num_queries(1):
        names = set(Region.objects.at_or_under(changge).values_list("name", flat=True))
    assert {"长葛市", "佛耳湖镇", "岗李村", "尚庄村"} <= names
    assert "禹州市" not in names and "许昌市" not in names


def test_a_place_is_found_by_code_or_by_path_with_or_without_the_city():
    gangli = Region.objects.get(name="岗李村")
    assert region_find(value="长葛市/佛耳湖镇/岗李村") == gangli
    assert region_find(value=" 许昌市/长葛市/佛耳湖镇/岗李村/ ") == gangli
    assert region_find(value="411082000000") == Region.objects.get(name="长葛市")
    assert region_find(value="长葛市/佛耳湖镇/不存在村") is None
    assert region_find(value="") is None


def test_renaming_a_township_rewrites_the_paths_below_it():
    township = Region.objects.get(name="佛耳湖镇")
    services.region_rename(region=township, name="佛耳湖镇（新）")
    assert Region.objects.get(name="岗李村").path == "许昌市/长葛市/佛耳湖镇（新）/岗李村/"


def test_a_division_must_sit_one_level_below_its_parent():
    with pytest.raises(ValidationError):
        services.region_create(name="错层村", level=Level.VILLAGE, parent=Region.objects.get(name="长葛市"))


def test_two_places_with_one_name_under_one_parent_are_refused():
    with pytest.raises(ValidationError):
        services.region_create(name="岗李村", level=Level.VILLAGE, parent=Region.objects.get(name="佛耳湖镇"))


def test_a_statistical_code_must_have_twelve_digits():
    with pytest.raises(ValidationError):
        services.region_create(name="新镇", level=Level.TOWNSHIP, parent=Region.objects.get(name="长葛市"), code="4110")
