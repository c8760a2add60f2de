"""The poverty registry in the admin, as city staff, county staff, reporters and visitors use it."""
from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from poverty import services
from poverty.models import AlleviationModel, Employment, Enterprise, Household, RevealLog
from poverty.tests.factories import GANGLI, base, enterprise, household, number_ending_in_x, yuzhou_village
from tests.helpers import AdminPages
from xuchang_ecom.accounts.models import User
from xuchang_ecom.accounts.tests.factories import region, uscc
from xuchang_ecom.common.masking import mask_resident_id
from xuchang_ecom.tools.demo.poverty import demo_resident_id

pytestmark = pytest.mark.django_db

ADMIN = AdminPages("poverty")
url, listed = ADMIN.url, ADMIN.listed

MODEL_NAMES = ["alleviationmodel", "enterprise", "base", "household", "employment", "landlease", "dividend",
               "takehomework", "reveallog"]


def with_reveal_permission(user) -> User:
    user.user_permissions.add(Permission.objects.get(codename="reveal_resident_id"))
    return User.objects.get(pk=user.pk)  # a fresh object: permissions are cached per instance


@pytest.fixture
def changge_household(city_user) -> Household:
    return household(city_user, serial=1)


@pytest.fixture
def yuzhou_household(city_user) -> Household:
    return household(city_user, serial=2, village=yuzhou_village())


def household_form(**values) -> dict:
    return {"head_name": "示例户主009", "village": region(GANGLI).pk, "size": "3", "disabled_members": "0",
            "exited_in": "", **values}


# ---------------------------------------------------------------------------------------
# The resident ID number is never shown in full
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["city_user", "changge_user"])
def test_the_id_is_masked_in_the_household_list(client, request, changge_household, user):
    client.force_login(request.getfixturevalue(user))

    page = client.get(url("household", "changelist")).content

    assert changge_household.masked_resident_id.encode() in page
    assert changge_household.resident_id.encode() not in page


@pytest.mark.parametrize("user", ["city_user", "changge_user"])
def test_the_change_form_never_holds_the_full_id_not_even_in_a_hidden_input(client, request, changge_household,
                                                                             user):
    client.force_login(request.getfixturevalue(user))

    response = client.get(url("household", "change", changge_household.pk))

    assert response.status_code == 200
    assert changge_household.masked_resident_id.encode() in response.content
    assert changge_household.resident_id.encode() not in response.content
    form = response.context["adminform"].form
    assert "resident_id" not in form.fields and "new_resident_id" in form.fields


def test_the_links_lists_show_the_household_masked(client, city_user, changge_user, changge_household):
    services.employment_create(user=city_user, household=changge_household, base=base(city_user),
                               member_name="示例成员", started_on=date(2020, 1, 1))
    client.force_login(changge_user)

    page = client.get(url("employment", "changelist")).content

    assert changge_household.masked_resident_id.encode() in page
    assert changge_household.resident_id.encode() not in page


# ---------------------------------------------------------------------------------------
# Adding and changing households
# ---------------------------------------------------------------------------------------


def test_a_county_user_adds_a_household_with_its_number(client, changge_user):
    number = number_ending_in_x()
    client.force_login(changge_user)

    response = client.post(url("household", "add"), household_form(resident_id=f"{number[:6]} {number[6:-1]}x"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Household.objects.get().resident_id == number


def test_a_number_with_a_wrong_check_character_is_refused_masked(client, changge_user):
    number = demo_resident_id(9)
    wrong = number[:17] + ("1" if number[17] != "1" else "2")
    client.force_login(changge_user)

    response = client.post(url("household", "add"), household_form(resident_id=wrong))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors.as_data()["resident_id"][0].code == "resident_id_check"
    assert mask_resident_id(wrong) in form.errors["resident_id"][0]
    assert wrong not in " ".join(form.errors["resident_id"])
    assert not Household.objects.exists()


def test_a_county_user_cannot_add_a_household_in_another_county(client, changge_user):
    client.force_login(changge_user)

    response = client.post(url("household", "add"),
                           household_form(resident_id=demo_resident_id(9), village=yuzhou_village().pk))

    assert response.status_code == 200
    assert "village" in response.context["adminform"].form.errors
    assert not Household.objects.exists()


def test_leaving_the_new_number_blank_keeps_the_stored_one(client, changge_user, changge_household):
    client.force_login(changge_user)

    response = client.post(url("household", "change", changge_household.pk),
                           household_form(head_name="示例户主001", size="5", new_resident_id=""))

    assert response.status_code == 302, response.context["adminform"].form.errors
    changge_household.refresh_from_db()
    assert (changge_household.size, changge_household.resident_id) == (5, demo_resident_id(1))


def test_a_new_number_replaces_the_stored_one(client, changge_user, changge_household):
    client.force_login(changge_user)

    response = client.post(url("household", "change", changge_household.pk),
                           household_form(new_resident_id=demo_resident_id(7)))

    assert response.status_code == 302, response.context["adminform"].form.errors
    changge_household.refresh_from_db()
    assert changge_household.resident_id == demo_resident_id(7)


def test_a_new_number_already_registered_is_refused_masked(client, city_user, changge_user, changge_household):
    other = household(city_user, serial=3)
    client.force_login(changge_user)

    response = client.post(url("household", "change", changge_household.pk),
                           household_form(new_resident_id=other.resident_id.lower()))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()["new_resident_id"]
    assert errors[0].code == "duplicate"
    assert other.masked_resident_id in errors[0].messages[0] and other.resident_id not in errors[0].messages[0]
    changge_household.refresh_from_db()
    assert changge_household.resident_id == demo_resident_id(1)


def test_the_household_page_links_to_its_jobs(client, city_user, changge_user, changge_household):
    job = services.employment_create(user=city_user, household=changge_household, base=base(city_user),
                                     member_name="示例成员", started_on=date(2020, 1, 1))
    household(city_user, serial=3)
    client.force_login(changge_user)

    page = client.get(url("household", "change", changge_household.pk)).content.decode()

    link = f"{url('employment', 'changelist')}?household__id__exact={changge_household.pk}"
    assert link in page
    assert listed(client, "employment", household__id__exact=changge_household.pk) == [job]


# ---------------------------------------------------------------------------------------
# Search, filters, scope
# ---------------------------------------------------------------------------------------


def test_search_by_the_full_id_finds_the_household_however_it_is_typed(client, city_user):
    number = number_ending_in_x()
    mine = household(city_user, serial=1, resident_id=number)
    household(city_user, serial=2)
    client.force_login(city_user)

    for typed in [number, f"{number[:6]} {number[6:14]} {number[14:-1]}x"]:
        assert listed(client, "household", q=typed) == [mine]


def test_the_database_never_sees_the_number_searched_for(client, city_user, changge_household):
    number = changge_household.resident_id
    client.force_login(city_user)

    with CaptureQueriesContext(connection) as queries:
        assert listed(client, "household", q=number) == [changge_household]
        assert listed(client, "household", q=number[:16]) == []

    assert not [query for query in queries if number[:15] in query["sql"]]


def test_a_county_user_who_may_reveal_numbers_cannot_find_another_countys_household_by_its_id(
        client, changge_user, yuzhou_user, yuzhou_household):
    client.force_login(with_reveal_permission(changge_user))
    assert listed(client, "household", q=yuzhou_household.resident_id) == []

    client.force_login(with_reveal_permission(yuzhou_user))
    assert listed(client, "household", q=yuzhou_household.resident_id) == [yuzhou_household]


def test_a_link_is_found_by_its_households_full_id(client, city_user, changge_household):
    workplace = base(city_user)
    job = services.employment_create(user=city_user, household=changge_household, base=workplace,
                                     member_name="示例成员", started_on=date(2020, 1, 1))
    other = household(city_user, serial=3)
    services.employment_create(user=city_user, household=other, base=workplace, member_name="另一成员",
                               started_on=date(2020, 1, 1))
    client.force_login(city_user)

    assert listed(client, "employment", q=changge_household.resident_id.lower()) == [job]


def test_city_staff_search_households_by_name(client, city_user, changge_household):
    client.force_login(city_user)

    assert listed(client, "household", q="示例户主001") == [changge_household]


@pytest.mark.parametrize("model_name", ["household", "employment"])
def test_a_county_user_sees_only_their_countys_rows_and_gets_404_for_others(
    client, city_user, changge_user, changge_household, yuzhou_household, model_name
):
    workplace = base(city_user)
    rows = {
        "household": (changge_household, yuzhou_household),
        "employment": tuple(
            services.employment_create(user=city_user, household=member, base=workplace, member_name="示例成员",
                                       started_on=date(2020, 1, 1))
            for member in (changge_household, yuzhou_household)
        ),
    }[model_name]
    client.force_login(changge_user)

    assert listed(client, model_name) == [rows[0]]
    assert client.get(url(model_name, "change", rows[1].pk)).status_code == 404
    assert client.post(url(model_name, "delete", rows[1].pk), {"post": "yes"}).status_code == 404


def test_city_staff_filter_households_by_county_and_exit(client, city_user, changge_household, yuzhou_household):
    services.record_update(user=city_user, instance=yuzhou_household, data={"exited_in": 2019})
    client.force_login(city_user)

    assert listed(client, "household", county=region("长葛市").pk) == [changge_household]
    assert listed(client, "household", exited="no") == [changge_household]
    assert listed(client, "household", exited="yes") == [yuzhou_household]
    assert listed(client, "household", exited="2019") == [yuzhou_household]
    assert listed(client, "household", exited="2020") == []


def test_a_county_user_cannot_link_another_countys_household(client, city_user, changge_user, yuzhou_household):
    client.force_login(changge_user)

    response = client.post(url("employment", "add"), {
        "household": yuzhou_household.pk, "member_name": "示例成员", "base": base(city_user).pk,
        "started_on": "2020-01-01",
    })

    assert response.status_code == 200
    assert "household" in response.context["adminform"].form.errors
    assert not Employment.objects.exists()


def test_a_county_user_records_a_job_through_the_admin(client, city_user, changge_user, changge_household):
    client.force_login(changge_user)

    response = client.post(url("employment", "add"), {
        "household": changge_household.pk, "member_name": " 示例成员 ", "enterprise": enterprise(city_user).pk,
        "started_on": "2020-01-01", "monthly_wage": "2000",
    })

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Employment.objects.get().member_name == "示例成员"


def test_a_job_at_both_an_enterprise_and_a_base_is_refused(client, city_user, changge_household):
    client.force_login(city_user)

    response = client.post(url("employment", "add"), {
        "household": changge_household.pk, "member_name": "示例成员", "enterprise": enterprise(city_user).pk,
        "base": base(city_user).pk, "started_on": "2020-01-01",
    })

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert not Employment.objects.exists()


@pytest.mark.parametrize("model_name", MODEL_NAMES)
def test_reporters_and_visitors_are_sent_to_the_login(client, reporter_user, changge_household, model_name):
    for login in (None, reporter_user):
        if login:
            client.force_login(login)
        response = client.get(url(model_name, "changelist"))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
        response = client.get(url("household", "change", changge_household.pk))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("model_name", ["household", "employment"])
def test_the_lists_take_the_same_queries_for_many_rows_as_for_few(client, city_user, model_name):
    workplace = base(city_user)

    def add(serials):
        for serial in serials:
            services.employment_create(user=city_user, household=household(city_user, serial=serial),
                                       base=workplace, member_name="示例成员", started_on=date(2020, 1, 1))

    client.force_login(city_user)
    add(range(1, 4))
    with CaptureQueriesContext(connection) as few:
        listed(client, model_name)
    add(range(4, 30))
    with CaptureQueriesContext(connection) as many:
        assert len(listed(client, model_name)) == 29

    assert len(many) == len(few)


# ---------------------------------------------------------------------------------------
# Revealing a number, and the audit log
# ---------------------------------------------------------------------------------------


def test_city_staff_reveal_a_number_on_an_uncached_page_and_leave_an_audit_entry(client, city_user,
                                                                                  changge_household):
    client.force_login(city_user)
    change_page = client.get(url("household", "change", changge_household.pk)).content.decode()
    assert url("household", "reveal", changge_household.pk) in change_page

    confirm = client.get(url("household", "reveal", changge_household.pk))
    assert confirm.status_code == 200
    assert changge_household.resident_id.encode() not in confirm.content
    assert not RevealLog.objects.exists()

    revealed = client.post(url("household", "reveal", changge_household.pk))

    assert revealed.status_code == 200
    assert changge_household.resident_id.encode() in revealed.content
    assert "no-store" in revealed["Cache-Control"] and "no-cache" in revealed["Cache-Control"]
    (entry,) = RevealLog.objects.all()
    assert (entry.user, entry.household) == (city_user, changge_household)


def test_a_reveal_needs_the_permission(client, changge_user, changge_household):
    client.force_login(changge_user)

    assert url("household", "reveal", changge_household.pk) not in client.get(
        url("household", "change", changge_household.pk)).content.decode()
    assert client.get(url("household", "reveal", changge_household.pk)).status_code == 403
    assert client.post(url("household", "reveal", changge_household.pk)).status_code == 403
    assert not RevealLog.objects.exists()


def test_the_permission_does_not_reveal_another_countys_number(client, changge_user, yuzhou_household):
    client.force_login(with_reveal_permission(changge_user))

    assert client.post(url("household", "reveal", yuzhou_household.pk)).status_code == 404
    assert not RevealLog.objects.exists()


def test_a_household_whose_number_was_revealed_keeps_its_audit_trail(client, city_user, changge_household):
    services.household_reveal_id(user=city_user, household=changge_household)
    client.force_login(city_user)

    response = client.post(url("household", "delete", changge_household.pk), {"post": "yes"})

    assert response.status_code == 200 and response.context["protected"]
    assert Household.objects.filter(pk=changge_household.pk).exists()


def test_visitors_and_reporters_cannot_reveal(client, reporter_user, changge_household):
    for login in (None, reporter_user):
        if login:
            client.force_login(login)
        response = client.post(url("household", "reveal", changge_household.pk))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not RevealLog.objects.exists()


def test_city_staff_read_the_audit_log(client, city_user, changge_household):
    services.household_reveal_id(user=city_user, household=changge_household)
    client.force_login(city_user)

    (entry,) = listed(client, "reveallog")

    assert client.get(url("reveallog", "change", entry.pk)).status_code == 200
    assert listed(client, "reveallog", q=changge_household.resident_id) == [entry]


@pytest.mark.parametrize("login", ["city_user", "superuser"])
def test_nobody_adds_changes_or_deletes_an_audit_entry(client, request, city_user, changge_household, login):
    services.household_reveal_id(user=city_user, household=changge_household)
    entry = RevealLog.objects.get()
    user = city_user if login == "city_user" else User.objects.create_superuser("root", password="x")
    client.force_login(user)

    assert client.get(url("reveallog", "add")).status_code == 403
    assert client.post(url("reveallog", "add"), {"user": user.pk, "household": changge_household.pk}).status_code == 403
    assert client.post(url("reveallog", "change", entry.pk), {"user": user.pk}).status_code == 403
    assert client.post(url("reveallog", "delete", entry.pk), {"post": "yes"}).status_code == 403
    response = client.post(url("reveallog", "changelist"),
                           {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})
    assert response.status_code in (200, 302)
    assert list(RevealLog.objects.all()) == [entry]
    entry.refresh_from_db()
    assert entry.user == city_user


def test_county_staff_do_not_read_the_audit_log(client, city_user, changge_user, changge_household):
    services.household_reveal_id(user=city_user, household=changge_household)
    client.force_login(changge_user)

    assert client.get(url("reveallog", "changelist")).status_code == 403


# ---------------------------------------------------------------------------------------
# Enterprises and poverty-alleviation models
# ---------------------------------------------------------------------------------------


def enterprise_form(**values) -> dict:
    models = AlleviationModel.objects.filter(code="ecommerce-base-household")
    return {"name": "长葛示例带贫企业", "uscc": uscc(900), "region": region("长葛市").pk,
            "alleviation_models": [model.pk for model in models], "recognised_on": "2019-05-01", **values}


def test_adding_an_enterprise_registers_its_organisation(client, changge_user):
    client.force_login(changge_user)

    response = client.post(url("enterprise", "add"), enterprise_form())

    assert response.status_code == 302, response.context["adminform"].form.errors
    added = Enterprise.objects.get()
    assert added.organisation.name == "长葛示例带贫企业"
    assert [model.code for model in added.alleviation_models.all()] == ["ecommerce-base-household"]


def test_an_enterprise_needs_a_model_and_a_place_in_the_users_area(client, changge_user):
    client.force_login(changge_user)

    response = client.post(url("enterprise", "add"), enterprise_form(alleviation_models=[],
                                                                     region=region("禹州市").pk))

    assert response.status_code == 200
    assert "alleviation_models" in response.context["adminform"].form.errors
    response = client.post(url("enterprise", "add"), enterprise_form(region=region("禹州市").pk))
    assert "region" in response.context["adminform"].form.errors
    assert not Enterprise.objects.exists()


def test_an_organisation_already_an_enterprise_is_refused_on_its_credit_code(client, city_user, changge_user):
    client.force_login(changge_user)
    assert client.post(url("enterprise", "add"), enterprise_form()).status_code == 302

    response = client.post(url("enterprise", "add"), enterprise_form(name="另一个名字"))

    assert response.status_code == 200
    assert "uscc" in response.context["adminform"].form.errors
    assert Enterprise.objects.count() == 1


def test_changing_an_enterprise_changes_its_models(client, city_user, changge_user):
    created = enterprise(city_user)
    tourism = AlleviationModel.objects.get(code="ecommerce-tourism-household")
    client.force_login(changge_user)

    response = client.post(url("enterprise", "change", created.pk), {
        "alleviation_models": [tourism.pk], "recognised_on": "2019-01-01", "products": "蜂蜜",
    })

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(created.alleviation_models.all()) == [tourism]


def test_enterprises_filter_by_model_in_constant_queries(client, city_user):
    client.force_login(city_user)
    enterprise(city_user, name="企业1")
    with CaptureQueriesContext(connection) as few:
        listed(client, "enterprise")
    for n in range(2, 12):
        enterprise(city_user, name=f"企业{n}")
    with CaptureQueriesContext(connection) as many:
        rows = listed(client, "enterprise")

    assert len(rows) == 11 and len(many) == len(few)
    model = AlleviationModel.objects.get(code="ecommerce-household")
    assert len(listed(client, "enterprise", alleviation_models__id__exact=model.pk)) == 11


def test_only_city_staff_keep_the_alleviation_models_and_nobody_deletes_one(client, city_user, changge_user):
    model = AlleviationModel.objects.first()
    code = model.code
    client.force_login(changge_user)
    assert client.get(url("alleviationmodel", "changelist")).status_code == 403

    client.force_login(city_user)
    response = client.post(url("alleviationmodel", "add"), {"code": "ecommerce-livestream", "name": " 电商+直播 "})
    assert response.status_code == 302
    assert AlleviationModel.objects.get(code="ecommerce-livestream").name == "电商+直播"
    response = client.post(url("alleviationmodel", "change", model.pk), {"code": "changed", "name": "新名称"})
    assert response.status_code == 302
    model.refresh_from_db()
    assert (model.name, model.code) == ("新名称", code)  # the code stays
    assert client.post(url("alleviationmodel", "delete", model.pk), {"post": "yes"}).status_code == 403
