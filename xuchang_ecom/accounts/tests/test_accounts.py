import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from villages.models import Designation
from villages.tests.factories import DesignationFactory, village
from xuchang_ecom.accounts import services
from xuchang_ecom.accounts.models import Organisation, Role
from xuchang_ecom.accounts.scoping import region_in_scope
from xuchang_ecom.accounts.tests.factories import region, uscc
from xuchang_ecom.accounts.validators import uscc_check_character, validate_uscc


@pytest.mark.parametrize("code", ["91110000600037341L", " 9111 0000 6000 3734 1l ", "91411082MA44ABCD0"
                                  + uscc_check_character("91411082MA44ABCD0")])
def test_a_valid_unified_social_credit_code_passes_however_it_is_typed(code):
    validate_uscc(code)


@pytest.mark.parametrize("code,why", [
    ("91350100M000100Y4Z", "uscc_character"),
    ("91110000600037341X", "uscc_check"),
    ("91411082", "uscc_length"),
    ("91411082MA44ABCDOI", "uscc_character"),
    ("", "uscc_length"),
])
def test_a_bad_code_is_refused_with_a_message_naming_the_code_and_the_reason(code, why):
    with pytest.raises(ValidationError) as error:
        validate_uscc(code)
    assert error.value.code == why
    assert error.value.params["code"] == code


@pytest.mark.django_db
def test_county_staff_must_be_bound_to_a_county_level_division():
    with pytest.raises(ValidationError):
        services.user_create(username="x", password="p", role=Role.COUNTY_STAFF)
    with pytest.raises(ValidationError):
        services.user_create(username="x", password="p", role=Role.COUNTY_STAFF, region=region("长葛市/佛耳湖镇"))


@pytest.mark.django_db
def test_a_reporter_must_be_bound_to_an_organisation_and_never_gets_the_admin(reporter_user):
    with pytest.raises(ValidationError):
        services.user_create(username="y", password="p", role=Role.REPORTER)
    assert not reporter_user.is_staff


@pytest.mark.django_db
def test_each_role_sees_only_its_own_rows(city_user, changge_user, yuzhou_user, reporter_user):
    in_changge = DesignationFactory(place=region("长葛市/佛耳湖镇/岗李村"))
    in_yuzhou = DesignationFactory(place=village("禹州市", "示例镇", "示例村"))
    visible = {u.username: set(Designation.objects.visible_to(u)) for u in
               (city_user, changge_user, yuzhou_user, reporter_user)}
    assert visible["city"] == {in_changge, in_yuzhou}
    assert visible["changge"] == {in_changge}
    assert visible["yuzhou"] == {in_yuzhou}
    assert visible["reporter_a"] == set()


@pytest.mark.django_db
def test_an_inactive_or_anonymous_user_sees_nothing(changge_user):
    from django.contrib.auth.models import AnonymousUser

    DesignationFactory()
    changge_user.is_active = False
    assert not Designation.objects.visible_to(changge_user).exists()
    assert not Designation.objects.visible_to(AnonymousUser()).exists()


@pytest.mark.django_db
def test_county_staff_may_place_records_only_at_or_under_their_division(changge_user):
    assert region_in_scope(user=changge_user, region=region("长葛市/佛耳湖镇/岗李村"))
    assert region_in_scope(user=changge_user, region=region("长葛市"))
    assert not region_in_scope(user=changge_user, region=region("禹州市"))
    assert not region_in_scope(user=changge_user, region=region("禹州市").parent)


@pytest.mark.parametrize("number", ["11010519491231002X", " 110105 19491231 002x ", "411082198001010015"])
def test_a_valid_resident_id_passes_however_it_is_typed(number):
    from xuchang_ecom.accounts.validators import validate_resident_id

    validate_resident_id(number)


@pytest.mark.parametrize("number,why", [
    ("110105194912310021", "resident_id_check"),
    ("110105194913310021", "resident_id_birth_date"),
    ("11010519491231002", "resident_id_format"),
    ("1101051949123100AX", "resident_id_format"),
])
def test_a_bad_resident_id_is_refused_with_the_number_masked(number, why):
    from xuchang_ecom.accounts.validators import validate_resident_id

    with pytest.raises(ValidationError) as error:
        validate_resident_id(number)
    assert error.value.code == why
    message = error.value.messages[0]
    assert number not in message and number[6:14] not in message


@pytest.mark.django_db
def test_an_organisation_whose_code_is_typed_in_lower_case_in_the_admin_is_one_organisation_for_the_registries(
        client, city_user):
    code = uscc(4401)
    client.force_login(city_user)
    response = client.post(reverse("admin:accounts_organisation_add"), {
        "name": " 长葛市示例直播公司 ", "uscc": code.lower(), "region": region("长葛市").pk})
    assert response.status_code == 302
    registered = services.organisation_get_or_create(user=city_user, name="示例直播公司", region=region("长葛市"),
                                                     uscc=code)
    assert (registered.name, registered.uscc) == ("长葛市示例直播公司", code)
    assert Organisation.objects.count() == 1


@pytest.mark.django_db
def test_an_organisation_changed_to_a_code_already_registered_is_refused_however_the_code_is_typed(
        client, city_user):
    taken = services.organisation_create(name="已登记的企业", region=region("长葛市"), uscc=uscc(4402))
    other = services.organisation_create(name="另一家企业", region=region("禹州市"))
    client.force_login(city_user)
    response = client.post(reverse("admin:accounts_organisation_change", args=[other.pk]), {
        "name": other.name, "uscc": taken.uscc.lower(), "region": other.region_id})
    assert response.status_code == 200 and "已存在" in response.content.decode()
    other.refresh_from_db()
    assert other.uscc is None


@pytest.mark.django_db
def test_an_organisations_new_code_is_kept_as_registered_whatever_spaces_and_case_it_was_given():
    organisation = services.organisation_create(name="示例企业", region=region("长葛市"))
    code = uscc(4403)
    services.organisation_update(organisation=organisation, data={"uscc": f" {code[:9].lower()} {code[9:]} "})
    organisation.refresh_from_db()
    assert organisation.uscc == code
