"""Importing and exporting the poverty registry: personal data masked, households matched by number."""
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.utils import translation

from poverty import services
from poverty.models import Base, Employment, Enterprise, Household, RevealKind, RevealLog
from poverty.resources import (
    BaseResource,
    DividendResource,
    EmploymentResource,
    EnterpriseResource,
    HouseholdResource,
    LandLeaseResource,
    TakeHomeWorkResource,
)
from poverty.tests.factories import GANGLI, base, enterprise, household, number_ending_in_x, yuzhou_village
from tests.helpers import CSV_FORMAT, XLSX_FORMAT, AdminPages, column, csv_file, exported_rows, problems, run
from xuchang_ecom.accounts.models import User
from xuchang_ecom.accounts.tests.factories import uscc
from xuchang_ecom.common.masking import mask_resident_id
from xuchang_ecom.records.importexport.formats import CSV
from xuchang_ecom.tools.demo.poverty import demo_resident_id

pytestmark = pytest.mark.django_db

ADMIN = AdminPages("poverty")
export, preview, import_file = ADMIN.export, ADMIN.preview, ADMIN.import_file


def household_row(serial: int = 9, **values) -> dict:
    return {"head_name": f"示例户主{serial:03d}", "resident_id": demo_resident_id(serial), "village": GANGLI,
            "size": "3", "disabled_members": "0", **values}


@pytest.fixture
def changge_household(city_user) -> Household:
    return household(city_user, serial=1, head_name="张三丰")


# ---------------------------------------------------------------------------------------
# Exports: masked without the permission, in full (and logged) with it
# ---------------------------------------------------------------------------------------


def test_a_county_user_exports_households_masked(client, changge_user, changge_household):
    household(changge_user, serial=2)
    client.force_login(changge_user)

    rows = {row[column(HouseholdResource, "registry_number")]: row
            for row in exported_rows(export(client, "household"))}

    number = changge_household.resident_id
    assert rows[changge_household.pk][column(HouseholdResource, "resident_id")] == mask_resident_id(number)
    assert rows[changge_household.pk][column(HouseholdResource, "head_name")] == "张**"
    for file_format in (XLSX_FORMAT, CSV_FORMAT):
        content = export(client, "household", file_format)
        assert number.encode() not in content and "张三丰".encode() not in content
    assert not RevealLog.objects.exclude(kind=RevealKind.MATCH).exists()


def test_city_staff_export_households_in_full_and_each_is_logged_as_a_reveal(client, city_user, changge_household):
    other = household(city_user, serial=2, village=yuzhou_village())
    client.force_login(city_user)

    rows = exported_rows(export(client, "household"))

    assert {row[column(HouseholdResource, "resident_id")] for row in rows} == {
        changge_household.resident_id, other.resident_id
    }
    assert "张三丰" in {row[column(HouseholdResource, "head_name")] for row in rows}
    assert sorted(RevealLog.objects.values_list("user", "household")) == sorted(
        [(city_user.pk, changge_household.pk), (city_user.pk, other.pk)]
    )


def test_an_export_without_the_number_column_reveals_nothing(city_user, changge_household):
    HouseholdResource(user=city_user).export(export_fields=["head_name", "village"])

    assert not RevealLog.objects.exists()


def test_a_county_user_exports_links_with_the_household_masked(client, city_user, changge_user, changge_household):
    workplace = base(city_user)
    services.employment_create(user=city_user, household=changge_household, base=workplace, member_name="李四光",
                               started_on=date(2020, 1, 1))
    services.employment_create(user=city_user, household=household(city_user, serial=2, village=yuzhou_village()),
                               base=workplace, member_name="王五", started_on=date(2020, 1, 1))
    client.force_login(changge_user)

    [row] = exported_rows(export(client, "employment"))

    assert row[column(EmploymentResource, "household")] == changge_household.masked_resident_id
    assert row[column(EmploymentResource, "head_name")] == "张**"
    assert row[column(EmploymentResource, "member_name")] == "李**"
    assert row[column(EmploymentResource, "base")] == workplace.name
    content = export(client, "employment", CSV_FORMAT)
    assert changge_household.resident_id.encode() not in content
    assert "张三丰".encode() not in content and "李四光".encode() not in content


def test_city_staffs_link_export_is_in_full_and_logs_each_household_once(city_user, changge_household):
    workplace = base(city_user)
    for member_name in ("李四光", "张小明"):
        services.employment_create(user=city_user, household=changge_household, base=workplace,
                                   member_name=member_name, started_on=date(2020, 1, 1))

    dataset = EmploymentResource(user=city_user).export()

    number = changge_household.resident_id
    assert sorted(row[1:4] for row in dataset) == sorted([(number, "张三丰", "李四光"), (number, "张三丰", "张小明")])
    assert list(RevealLog.objects.values_list("user", "household")) == [(city_user.pk, changge_household.pk)]


@pytest.mark.parametrize("resource,create", [
    (EmploymentResource, lambda user, member, workplace: services.employment_create(
        user=user, household=member, base=workplace, member_name="李四光", started_on=date(2020, 1, 1))),
    (LandLeaseResource, lambda user, member, workplace: services.land_lease_create(
        user=user, household=member, base=workplace, area_mu=Decimal(5), annual_rent=Decimal(4000),
        started_on=date(2020, 1, 1))),
    (DividendResource, lambda user, member, workplace: services.dividend_create(
        user=user, household=member, base=workplace, year=2020, amount=Decimal(300), paid_on=date(2020, 12, 1))),
    (TakeHomeWorkResource, lambda user, member, workplace: services.take_home_work_create(
        user=user, household=member, enterprise=workplace.enterprise, period_start=date(2020, 5, 1),
        period_end=date(2020, 5, 31), pay=Decimal(600), pieces=120)),
])
def test_every_link_export_masks_the_household_for_a_county_user(city_user, changge_user, changge_household,
                                                                  resource, create):
    create(city_user, changge_household, base(city_user, enterprise=enterprise(city_user)))

    dataset = resource(user=changge_user).export()

    assert changge_household.resident_id not in CSV().export_data(dataset).decode("utf-8-sig")
    assert changge_household.masked_resident_id in dataset[0]
    assert not RevealLog.objects.exists()


# ---------------------------------------------------------------------------------------
# Round trips
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format,name", [(XLSX_FORMAT, "households.xlsx"), (CSV_FORMAT, "households.csv")])
def test_city_staffs_household_export_reimports_unchanged(client, city_user, changge_household, file_format, name):
    household(city_user, serial=2, resident_id=number_ending_in_x(), village=yuzhou_village(), exited_in=2019,
              disabled_members=1)
    before = sorted((h.pk, h.head_name, h.resident_id, h.village_id, h.size, h.disabled_members, h.exited_in)
                    for h in Household.objects.all())
    client.force_login(city_user)

    job = import_file(client, "household", export(client, "household", file_format), name)

    assert (job.rows_unchanged, job.rows_new, job.rows_changed) == (2, 0, 0)
    after = sorted((h.pk, h.head_name, h.resident_id, h.village_id, h.size, h.disabled_members, h.exited_in)
                   for h in Household.objects.all())
    assert after == before


@pytest.mark.parametrize("file_format,name", [(XLSX_FORMAT, "households.xlsx"), (CSV_FORMAT, "households.csv")])
def test_county_staffs_household_export_reimports_through_the_admin_as_all_unchanged(
        client, city_user, changge_user, changge_household, file_format, name):
    # The county's export is masked (names and numbers); the registry number brings each
    # row back to its household, so the same file is checked as unchanged and confirms.
    household(city_user, serial=2, resident_id=number_ending_in_x(), exited_in=2019, disabled_members=1)
    household(city_user, serial=3, village=yuzhou_village())  # another county's: not exported
    before = sorted((h.pk, h.head_name, h.resident_id, h.village_id, h.size, h.disabled_members, h.exited_in)
                    for h in Household.objects.all())
    client.force_login(changge_user)
    content = export(client, "household", file_format)

    job = preview(client, "household", content, name).context["job"]
    assert job.confirmable, (job.state, job.reason, job.errors)
    assert (job.rows_unchanged, job.rows_new, job.rows_changed) == (2, 0, 0)
    confirm = ADMIN.confirm(client, "household", job)

    assert confirm.redirect_chain == [(ADMIN.url("household", "import_job", job.pk), 302)]
    assert confirm.context["job"].state == "done"
    assert not [m for m in confirm.context["messages"] if m.level_tag == "error"]
    after = sorted((h.pk, h.head_name, h.resident_id, h.village_id, h.size, h.disabled_members, h.exited_in)
                   for h in Household.objects.all())
    assert after == before


@pytest.mark.parametrize("resource", [EnterpriseResource, BaseResource, EmploymentResource, LandLeaseResource,
                                      DividendResource, TakeHomeWorkResource])
def test_every_registry_reimports_its_own_export_unchanged(city_user, changge_household, resource):
    workplace = base(city_user, enterprise=enterprise(city_user))
    services.employment_create(user=city_user, household=changge_household, base=workplace, member_name="李四光",
                               started_on=date(2020, 1, 1), monthly_wage=Decimal("1800.50"), is_disabled=True)
    services.land_lease_create(user=city_user, household=changge_household, enterprise=workplace.enterprise,
                               area_mu=Decimal("5.5"), annual_rent=Decimal(4000), started_on=date(2020, 1, 1))
    services.dividend_create(user=city_user, household=changge_household, base=workplace, year=2020,
                             amount=Decimal(300), paid_on=date(2020, 12, 1))
    services.take_home_work_create(user=city_user, household=changge_household, enterprise=workplace.enterprise,
                                   period_start=date(2020, 5, 1), period_end=date(2020, 5, 31), pay=Decimal(600))
    dataset = resource(user=city_user).export()

    result = resource(user=city_user).import_data(CSV().create_dataset(CSV().export_data(dataset)))

    assert not result.has_validation_errors() and not result.has_errors(), result.messages()
    assert result.totals["skip"] == 1


# ---------------------------------------------------------------------------------------
# Importing households
# ---------------------------------------------------------------------------------------


def test_a_bad_check_digit_and_a_duplicate_are_row_errors_shown_masked_and_nothing_is_written(client, city_user):
    number = number_ending_in_x()
    wrong = demo_resident_id(9)[:17] + ("1" if demo_resident_id(9)[17] != "1" else "2")
    client.force_login(city_user)
    content = csv_file(HouseholdResource, [
        household_row(8, resident_id=number),
        household_row(9, resident_id=wrong),
        household_row(10, resident_id=f"{number[:6]} {number[6:-1]}x"),
    ])

    response = preview(client, "household", content)

    header = column(HouseholdResource, "resident_id")
    listed = problems(response.context["job"])
    assert {row: list(errors) for row, errors in listed.items()} == {3: [header], 4: [header]}
    assert mask_resident_id(wrong) in listed[3][header][0]
    assert mask_resident_id(number) in listed[4][header][0]
    # The very errors the resource finds, which are these two kinds.
    with translation.override(settings.LANGUAGE_CODE):
        found = {row.number: row for row in run(HouseholdResource, city_user, [
            household_row(8, resident_id=number), household_row(9, resident_id=wrong),
            household_row(10, resident_id=f"{number[:6]} {number[6:-1]}x")], dry_run=True).invalid_rows}
    assert [error.code for error in found[3].error.error_dict[header]] == ["resident_id_check"]
    assert [error.code for error in found[4].error.error_dict[header]] == ["duplicate_in_file"]
    assert {row: invalid.error_dict[header] for row, invalid in found.items()} == {
        row: errors[header] for row, errors in listed.items()}
    assert wrong.encode() not in response.content and number.encode() not in response.content
    assert number[:-1].encode() not in response.content  # nor typed with a lower-case x
    assert not response.context["job"].confirmable
    assert 'name="confirm"' not in response.content.decode()
    assert not Household.objects.exists()


def test_a_county_user_cannot_import_a_household_in_another_county(changge_user):
    result = run(HouseholdResource, changge_user, [
        household_row(8), household_row(9, village="禹州市/示例镇/示例村"),
    ])

    assert [(row.number, list(row.error_dict)) for row in result.invalid_rows] == [
        (3, [column(HouseholdResource, "village")])
    ]
    assert not Household.objects.exists()


def test_a_household_is_matched_by_its_number_however_it_is_typed(city_user):
    number = number_ending_in_x()
    created = household(city_user, serial=1, resident_id=number)

    result = run(HouseholdResource, city_user, [household_row(1, resident_id=f" {number[:-1]}x ", size="5")])

    assert result.totals["update"] == 1, result.messages()
    created.refresh_from_db()
    assert (created.size, created.resident_id, Household.objects.count()) == (5, number, 1)


def test_a_county_user_cannot_update_another_countys_household(changge_user, city_user):
    theirs = household(city_user, serial=1, village=yuzhou_village())

    result = run(HouseholdResource, changge_user, [household_row(1, size="6")])

    [invalid] = result.invalid_rows
    messages = " ".join(invalid.error_dict[column(HouseholdResource, "resident_id")])
    assert theirs.masked_resident_id in messages and theirs.resident_id not in messages
    theirs.refresh_from_db()
    assert theirs.size == 3


def test_a_masked_number_identifies_no_household(changge_user, changge_household):
    result = run(HouseholdResource, changge_user, [
        household_row(1, resident_id=changge_household.masked_resident_id, size="6"),
    ])

    [invalid] = result.invalid_rows
    assert list(invalid.error_dict) == [column(HouseholdResource, "resident_id")]
    changge_household.refresh_from_db()
    assert changge_household.size == 3


def test_a_masked_name_coming_back_keeps_the_stored_name(city_user, changge_household):
    result = run(HouseholdResource, city_user, [household_row(1, head_name="张**", size="4")])

    assert result.totals["update"] == 1, result.messages()
    changge_household.refresh_from_db()
    assert (changge_household.head_name, changge_household.size) == ("张三丰", 4)


def test_a_guessed_name_is_written_not_confirmed_as_unchanged(changge_user, changge_household):
    result = run(HouseholdResource, changge_user, [household_row(1, head_name="张三丰")], dry_run=True)

    assert result.totals["update"] == 1 and result.totals["skip"] == 0


def test_the_import_job_page_shows_numbers_masked_even_to_city_staff(client, city_user, changge_household):
    client.force_login(city_user)
    content = csv_file(HouseholdResource, [household_row(1, head_name="张三丰", size="4"), household_row(9),
                                           household_row(1, size="5")])  # row 4: the number again

    response = preview(client, "household", content)

    job = response.context["job"]
    assert (job.rows_changed, job.rows_new, job.rows_bad) == (1, 1, 1)
    assert list(problems(job)) == [4]  # its message names the number, masked
    assert changge_household.resident_id.encode() not in response.content
    assert demo_resident_id(9).encode() not in response.content
    assert changge_household.masked_resident_id.encode() in response.content
    assert not RevealLog.objects.exists()


# ---------------------------------------------------------------------------------------
# Importing links, enterprises and bases
# ---------------------------------------------------------------------------------------


def employment_row(**values) -> dict:
    return {"household": demo_resident_id(1), "member_name": "李四光", "base": "示例扶贫基地01",
            "started_on": "2020/1/1", "monthly_wage": "1,800", **values}


def test_a_job_is_imported_for_the_household_with_that_number(city_user, changge_user, changge_household):
    base(city_user)
    number = changge_household.resident_id

    result = run(EmploymentResource, changge_user, [employment_row(household=f"{number[:6]} {number[6:]}")])

    assert result.totals["new"] == 1, result.messages()
    job = Employment.objects.get()
    assert (job.household, job.base.name, job.monthly_wage) == (changge_household, "示例扶贫基地01", Decimal(1800))

    result = run(EmploymentResource, changge_user, [employment_row(registry_number=job.pk, ended_on="2021-06-30")])

    assert result.totals["update"] == 1, result.messages()
    job.refresh_from_db()
    assert job.ended_on == date(2021, 6, 30)


def test_a_job_for_another_countys_household_is_an_error_naming_the_number_masked(city_user, changge_user):
    theirs = household(city_user, serial=2, village=yuzhou_village())
    base(city_user)

    result = run(EmploymentResource, changge_user, [employment_row(household=theirs.resident_id)])

    [invalid] = result.invalid_rows
    message = " ".join(invalid.error_dict[column(EmploymentResource, "household")])
    assert theirs.masked_resident_id in message and theirs.resident_id not in message
    assert not Employment.objects.exists()


def test_a_masked_household_cannot_be_given_a_new_job(city_user, changge_user, changge_household):
    base(city_user)

    result = run(EmploymentResource, changge_user, [employment_row(household=changge_household.masked_resident_id)])

    [invalid] = result.invalid_rows
    assert column(EmploymentResource, "household") in invalid.error_dict
    assert not Employment.objects.exists()


def test_a_job_at_an_enterprise_is_read_by_the_enterprises_name(city_user, changge_household):
    employer = enterprise(city_user, name="示例带贫企业07")

    result = run(EmploymentResource, city_user, [employment_row(base="", enterprise="示例带贫企业07")])

    assert result.totals["new"] == 1, result.messages()
    assert Employment.objects.get().enterprise == employer


def enterprise_row(**values) -> dict:
    return {"organisation": "长葛示例带贫企业", "uscc": uscc(910), "place": "长葛市",
            "alleviation_models": "电商+贫困户、电商+基地+贫困户", "recognised_on": "2019-05-01", **values}


def test_importing_an_enterprise_registers_its_organisation_then_updates_it_by_code(city_user):
    result = run(EnterpriseResource, city_user, [enterprise_row()])
    assert result.totals["new"] == 1, result.messages()

    result = run(EnterpriseResource, city_user, [enterprise_row(organisation="", place="", products="蜂蜜",
                                                                alleviation_models="电商+旅游+贫困户")])

    assert result.totals["update"] == 1, result.messages()
    added = Enterprise.objects.get()
    assert (added.organisation.name, added.organisation.uscc, added.products) == ("长葛示例带贫企业", uscc(910), "蜂蜜")
    assert [model.name for model in added.alleviation_models.all()] == ["电商+旅游+贫困户"]


def test_an_enterprise_without_a_model_or_with_an_unknown_one_is_an_error(city_user):
    result = run(EnterpriseResource, city_user, [
        enterprise_row(alleviation_models=""), enterprise_row(uscc=uscc(911), alleviation_models="无此模式"),
    ])

    header = column(EnterpriseResource, "alleviation_models")
    assert [(row.number, list(row.error_dict)) for row in result.invalid_rows] == [(2, [header]), (3, [header])]
    assert "无此模式" in result.invalid_rows[1].error_dict[header][0]
    assert not Enterprise.objects.exists()


def test_a_county_user_cannot_import_an_enterprise_in_another_county(changge_user):
    result = run(EnterpriseResource, changge_user, [enterprise_row(place="禹州市")])

    [invalid] = result.invalid_rows
    assert list(invalid.error_dict) == [column(EnterpriseResource, "place")]
    assert not Enterprise.objects.exists()


def test_an_organisation_already_an_enterprise_is_updated_not_duplicated(city_user):
    existing = enterprise(city_user, uscc=uscc(912))

    result = run(EnterpriseResource, city_user, [enterprise_row(organisation=existing.organisation.name,
                                                                uscc=uscc(912), products="蜂蜡")])

    assert result.totals["update"] == 1, result.messages()
    assert Enterprise.objects.get().products == "蜂蜡"


def test_a_base_is_imported_with_its_operating_enterprise_by_name(city_user):
    operator = enterprise(city_user, name="示例带贫企业08")

    result = run(BaseResource, city_user, [{"name": "示例扶贫基地09", "region": "长葛市/佛耳湖镇",
                                            "enterprise": "示例带贫企业08", "area_mu": "500",
                                            "opened_on": "2015-01-01"}])

    assert result.totals["new"] == 1, result.messages()
    assert (Base.objects.get().enterprise, Base.objects.get().area_mu) == (operator, Decimal(500))


def test_a_user_granted_the_permission_exports_in_full(changge_user, changge_household):
    changge_user.user_permissions.add(Permission.objects.get(codename="reveal_resident_id"))
    allowed = User.objects.get(pk=changge_user.pk)

    dataset = HouseholdResource(user=allowed).export()

    assert dataset[0][:3] == (str(changge_household.pk), "张三丰", changge_household.resident_id)
    assert RevealLog.objects.get().user == allowed
