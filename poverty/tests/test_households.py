"""A household's resident ID number is never stored or shown in full, yet stays unique."""
import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from poverty import selectors, services
from poverty.models import Household
from poverty.tests.factories import household, number_ending_in_x, yuzhou_village
from xuchang_ecom.accounts.tests.factories import region
from xuchang_ecom.common.masking import mask_resident_id
from xuchang_ecom.tools.demo.poverty import demo_resident_id

pytestmark = pytest.mark.django_db


def test_a_wrong_check_character_is_rejected_with_the_number_masked(city_user):
    number = demo_resident_id(1)
    wrong = number[:17] + ("1" if number[17] != "1" else "2")
    with pytest.raises(ValidationError) as error:
        household(city_user, resident_id=wrong)
    messages = " ".join(error.value.message_dict["resident_id"])
    assert error.value.error_dict["resident_id"][0].code == "resident_id_check"
    assert mask_resident_id(wrong) in messages
    assert wrong not in messages


def test_the_same_number_with_a_lower_case_x_or_spaces_is_a_duplicate(city_user):
    number = number_ending_in_x()
    household(city_user, serial=1, resident_id=number)
    for typed in [number[:-1] + "x", f"{number[:6]} {number[6:14]} {number[14:]}"]:
        with pytest.raises(ValidationError) as error:
            household(city_user, serial=2, resident_id=typed)
        (message,) = error.value.message_dict["resident_id"]
        assert mask_resident_id(number) in message
        assert number not in message
    assert Household.objects.count() == 1


def test_a_number_is_stored_normalised(city_user):
    number = number_ending_in_x()
    created = household(city_user, resident_id=f" {number[:-1]}x ")
    assert Household.objects.get(pk=created.pk).resident_id == number


def test_the_stored_row_holds_no_plain_resident_id(city_user):
    number = household(city_user).resident_id
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM poverty_household")
        row = cursor.fetchone()
    stored = " ".join(str(value) for value in row)
    assert number not in stored
    assert number[6:14] not in stored  # not even the date of birth


def test_str_and_repr_show_the_name_and_number_masked(city_user):
    created = household(city_user)
    number = created.resident_id
    assert str(created) == f"示****** {mask_resident_id(number)}"
    assert number not in repr(created)


def test_changing_the_number_keeps_it_unique(city_user):
    first, second = household(city_user, serial=1), household(city_user, serial=2)
    with pytest.raises(ValidationError) as error:
        services.record_update(user=city_user, instance=second, data={"resident_id": first.resident_id.lower()})
    assert "resident_id" in error.value.message_dict
    services.record_update(user=city_user, instance=second, data={"resident_id": demo_resident_id(3)})
    assert selectors.household_find_by_id_number(user=city_user, number=demo_resident_id(3)) == second


def test_a_household_is_found_by_its_number_however_it_is_typed(city_user):
    number = number_ending_in_x()
    created = household(city_user, resident_id=number)
    typed = f"{number[:6]} {number[6:-1]}x"
    assert selectors.household_find_by_id_number(user=city_user, number=typed) == created
    assert selectors.household_find_by_id_number(user=city_user, number=demo_resident_id(999)) is None


def test_county_staff_cannot_find_a_household_of_another_county_by_its_number(city_user, changge_user):
    created = household(city_user, village=yuzhou_village())
    assert selectors.household_find_by_id_number(user=changge_user, number=created.resident_id) is None


def test_a_household_lives_in_a_village(city_user):
    with pytest.raises(ValidationError) as error:
        household(city_user, village=region("长葛市/佛耳湖镇"))
    assert "village" in error.value.message_dict


def test_impossible_household_figures_are_refused(city_user):
    for figures in [{"size": 0}, {"size": 2, "disabled_members": 3}, {"exited_in": 2013}]:
        with pytest.raises(ValidationError):
            household(city_user, **figures)
    assert household(city_user, exited_in=2019).has_exited
