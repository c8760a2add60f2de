"""Importing and exporting the livestream registry through the admin and its resources."""
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation

from livestream.models import Agency, Anchor, Base, Cluster, Session
from livestream.resources import (
    AgencyResource,
    AnchorResource,
    BaseResource,
    ClusterResource,
    ContestResource,
    SessionResource,
    TrainingResource,
)
from livestream.tests.factories import (
    AgencyFactory,
    AnchorAccountFactory,
    AnchorFactory,
    BaseFactory,
    ClusterFactory,
    ContestFactory,
    PlatformFactory,
    SessionFactory,
    TrainingFactory,
)
from tests.helpers import CSV_FORMAT, XLSX_FORMAT, AdminPages, column, csv_file, exported_rows, problems, run
from xuchang_ecom.accounts.models import Organisation
from xuchang_ecom.accounts.tests.factories import region, uscc
from xuchang_ecom.records.importexport.formats import CSV, XLSX

pytestmark = pytest.mark.django_db

ADMIN = AdminPages("livestream")
export, preview, import_file = ADMIN.export, ADMIN.preview, ADMIN.import_file


# ---------------------------------------------------------------------------------------
# Round trips
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format,name", [(XLSX_FORMAT, "clusters.xlsx"), (CSV_FORMAT, "clusters.csv")])
def test_exported_clusters_reimport_unchanged(client, city_user, file_format, name):
    ClusterFactory(name="长葛蜂产品直播集聚区", region=region("长葛市/佛耳湖镇"), note="第一行\n第二行",
                   planned_on=date(2020, 10, 1))
    ClusterFactory(name="禹州钧瓷直播集聚区", region=region("禹州市"), lead_industry="陶瓷", recognised_on=None)
    before = sorted(Cluster.objects.values_list())
    client.force_login(city_user)

    job = import_file(client, "cluster", export(client, "cluster", file_format), name)

    assert (job.rows_unchanged, job.rows_new, job.rows_changed) == (2, 0, 0)
    assert sorted(Cluster.objects.values_list()) == before


def test_exported_anchors_reimport_unchanged_with_their_accounts(client, city_user):
    agency = AgencyFactory()
    anchor = AnchorFactory(agency=agency, left_on=date(2022, 1, 1))
    AnchorAccountFactory(anchor=anchor, platform=PlatformFactory(name="抖音"), account="dy-001")
    AnchorAccountFactory(anchor=anchor, platform=PlatformFactory(name="快手"), account="ks-001")
    AnchorFactory(region=region("禹州市"), real_name="", mobile="")
    before = sorted(Anchor.objects.values_list())
    accounts_before = sorted(anchor.accounts.values_list("platform__name", "account"))
    client.force_login(city_user)

    job = import_file(client, "anchor", export(client, "anchor"), "anchors.xlsx")

    assert (job.rows_unchanged, job.rows_new, job.rows_changed) == (2, 0, 0)
    assert sorted(Anchor.objects.values_list()) == before
    assert sorted(anchor.accounts.values_list("platform__name", "account")) == accounts_before


@pytest.mark.parametrize("resource,factory", [
    (TrainingResource, TrainingFactory), (ContestResource, ContestFactory), (BaseResource, BaseFactory),
    (AgencyResource, AgencyFactory),
])
def test_every_registry_reimports_its_own_export_unchanged(city_user, resource, factory):
    factory()
    factory()
    dataset = resource(user=city_user).export()

    result = resource(user=city_user).import_data(CSV().create_dataset(CSV().export_data(dataset)))

    assert not result.has_validation_errors() and not result.has_errors(), result.messages()
    assert result.totals["skip"] == 2


# ---------------------------------------------------------------------------------------
# Anchors' personal data
# ---------------------------------------------------------------------------------------


@pytest.fixture
def anchor():
    return AnchorFactory(display_name="蜂蜜小张", real_name="张三丰", mobile="13812345678")


def test_a_county_user_without_the_permission_exports_anchors_masked(client, changge_user, anchor):
    client.force_login(changge_user)

    [row] = exported_rows(export(client, "anchor"))

    assert row[column(AnchorResource, "real_name")] == "张**"
    assert row[column(AnchorResource, "mobile")] == "138****5678"
    assert "张三丰" not in export(client, "anchor", CSV_FORMAT).decode("utf-8-sig")


def test_city_staff_export_anchors_in_full(client, city_user, anchor):
    client.force_login(city_user)

    [row] = exported_rows(export(client, "anchor"))

    assert (row[column(AnchorResource, "real_name")], row[column(AnchorResource, "mobile")]) == (
        "张三丰", "13812345678"
    )


def test_a_masked_export_reimported_does_not_overwrite_the_personal_data(client, changge_user, anchor):
    client.force_login(changge_user)
    content = export(client, "anchor", CSV_FORMAT).decode("utf-8-sig")
    content = content.replace("2021-01-01", "2021-03-01")  # a real change beside the masked cells

    job = import_file(client, "anchor", content.encode("utf-8"))

    assert (job.rows_changed, job.rows_written) == (1, 1)
    anchor.refresh_from_db()
    assert (anchor.real_name, anchor.mobile, anchor.cultivated_on) == ("张三丰", "13812345678", date(2021, 3, 1))


def test_city_staff_reimporting_a_masked_file_keep_the_stored_values(city_user, anchor):
    result = run(AnchorResource, city_user, [{
        "display_name": "蜂蜜小张", "real_name": "张**", "mobile": "138****5678", "region": "长葛市",
        "cultivated_on": "2021-01-01",
    }])

    assert result.totals["skip"] == 1
    anchor.refresh_from_db()
    assert (anchor.real_name, anchor.mobile) == ("张三丰", "13812345678")


def test_the_import_job_page_and_its_error_workbook_show_a_county_user_only_masked_values(
        client, changge_user, anchor):
    client.force_login(changge_user)
    masked = {"display_name": "蜂蜜小张", "real_name": "张**", "mobile": "138****5678", "region": "长葛市"}
    content = csv_file(AnchorResource, [{**masked, "cultivated_on": "2021-05-01"},
                                        {**masked, "cultivated_on": "2021-02-30"}])

    response = preview(client, "anchor", content)
    workbook = client.get(ADMIN.url("anchor", "import_errors", response.context["job"].pk))

    job = response.context["job"]
    assert (job.rows_changed, list(problems(job))) == (1, [3])
    page = response.content.decode()
    assert "张三丰" not in page and "13812345678" not in page
    assert workbook.status_code == 200
    [row] = CSV().create_dataset(workbook.content).dict
    assert (row[column(AnchorResource, "display_name")], row[column(AnchorResource, "real_name")],
            row[column(AnchorResource, "mobile")]) == ("蜂蜜小张", "张**", "138****5678")
    assert "张三丰".encode() not in workbook.content and b"13812345678" not in workbook.content


def test_a_guessed_mobile_is_written_not_confirmed_as_unchanged(changge_user, anchor):
    result = run(AnchorResource, changge_user, [{
        "display_name": "蜂蜜小张", "real_name": "张三丰", "mobile": "13812345678", "region": "长葛市",
        "cultivated_on": "2021-01-01",
    }], dry_run=True)

    assert result.totals["update"] == 1 and result.totals["skip"] == 0


def test_a_new_anchor_with_masked_cells_gets_no_personal_data(city_user):
    run(AnchorResource, city_user, [{"display_name": "新主播", "real_name": "王**", "mobile": "139****0000",
                                     "region": "长葛市"}])

    assert Anchor.objects.values_list("real_name", "mobile").get() == ("", "")


def test_importing_accounts_replaces_an_anchors_accounts(city_user, anchor):
    AnchorAccountFactory(anchor=anchor, platform=PlatformFactory(name="抖音"), account="dy-old")
    PlatformFactory(name="快手")

    result = run(AnchorResource, city_user, [{
        "display_name": "蜂蜜小张", "real_name": "张三丰", "mobile": "13812345678", "region": "长葛市",
        "cultivated_on": "2021-01-01", "accounts": "快手:ks-new，抖音：dy-new",
    }])

    assert result.totals["update"] == 1, result.messages()
    assert sorted(anchor.accounts.values_list("platform__name", "account")) == [("快手", "ks-new"), ("抖音", "dy-new")]


def test_an_unknown_platform_in_the_accounts_is_an_error_naming_it(city_user):
    result = run(AnchorResource, city_user, [{"display_name": "新主播", "region": "长葛市",
                                              "accounts": "无此平台：abc"}])

    [invalid] = result.invalid_rows
    assert "无此平台" in invalid.error_dict[column(AnchorResource, "accounts")][0]
    assert not Anchor.objects.exists()


# ---------------------------------------------------------------------------------------
# Agencies
# ---------------------------------------------------------------------------------------


def agency_row(**values) -> dict:
    return {"organisation": "长葛示例直播机构", "uscc": uscc(700), "place": "长葛市", "supported_on": "2021-01-10",
            "support_batch": "第一批", **values}


def test_importing_an_agency_registers_its_organisation_then_updates_it_by_code(city_user):
    run(AgencyResource, city_user, [agency_row()])
    result = run(AgencyResource, city_user, [agency_row(organisation="", place="", support_batch="第二批")])

    assert result.totals["update"] == 1, result.messages()
    agency = Agency.objects.get()
    assert (agency.organisation.name, agency.organisation.uscc, agency.support_batch) == (
        "长葛示例直播机构", uscc(700), "第二批"
    )


def test_an_agency_without_a_code_is_found_by_its_name(city_user):
    agency = AgencyFactory(organisation__name="无代码机构", organisation__uscc=None)

    result = run(AgencyResource, city_user, [agency_row(organisation="无代码机构", uscc="", support_batch="第三批")])

    assert result.totals["update"] == 1, result.messages()
    agency.refresh_from_db()
    assert agency.support_batch == "第三批"


def test_an_agency_file_with_a_wrong_credit_code_writes_nothing_and_names_the_code(client, city_user):
    wrong = uscc(701)[:-1] + ("0" if uscc(701)[-1] != "0" else "1")
    client.force_login(city_user)
    content = csv_file(AgencyResource, [agency_row(), agency_row(organisation="第二家", uscc=wrong)])

    response = preview(client, "agency", content)

    job = response.context["job"]
    assert {row: list(errors) for row, errors in problems(job).items()} == {3: [column(AgencyResource, "uscc")]}
    assert wrong in problems(job)[3][column(AgencyResource, "uscc")][0]
    assert not job.confirmable
    assert not Agency.objects.exists() and not Organisation.objects.filter(uscc=uscc(700)).exists()


def test_a_row_renaming_a_registered_organisation_is_an_error(city_user):
    agency = AgencyFactory()

    result = run(AgencyResource, city_user, [agency_row(organisation="另一个名字", uscc=agency.organisation.uscc)])

    [invalid] = result.invalid_rows
    assert agency.organisation.name in invalid.error_dict[column(AgencyResource, "organisation")][0]


def test_a_county_user_cannot_import_an_agency_for_another_county(changge_user):
    result = run(AgencyResource, changge_user, [agency_row(), agency_row(uscc=uscc(702), place="禹州市")])

    assert [(row.number, list(row.error_dict)) for row in result.invalid_rows] == [
        (3, [column(AgencyResource, "place")])
    ]
    assert not Agency.objects.exists()


# ---------------------------------------------------------------------------------------
# Scope, bases' platforms, sessions
# ---------------------------------------------------------------------------------------


def test_a_county_user_cannot_import_a_row_for_another_county(client, changge_user):
    client.force_login(changge_user)
    content = csv_file(ClusterResource, [
        {"name": "长葛集聚区", "region": "长葛市", "lead_industry": "蜂产品"},
        {"name": "禹州集聚区", "region": "禹州市", "lead_industry": "陶瓷"},
    ])

    response = preview(client, "cluster", content)

    job = response.context["job"]
    assert [(row, list(errors)) for row, errors in problems(job).items()] == [(3, [column(ClusterResource, "region")])]
    assert not job.confirmable
    assert not Cluster.objects.exists()


def test_a_county_user_cannot_overwrite_another_countys_anchor(changge_user):
    theirs = AnchorFactory(display_name="禹州主播", region=region("禹州市"), real_name="赵六")

    result = run(AnchorResource, changge_user, [{"display_name": "禹州主播", "region": "禹州市",
                                                 "real_name": "改名"}])

    assert [row.number for row in result.invalid_rows] == [2]
    theirs.refresh_from_db()
    assert theirs.real_name == "赵六"


def test_a_bases_platforms_are_read_by_name_and_set_by_the_service(city_user):
    PlatformFactory(name="淘宝直播")
    PlatformFactory(name="抖音")

    result = run(BaseResource, city_user, [{"name": "示例基地", "region": "长葛市", "kind": "综合",
                                            "platforms": "抖音、淘宝直播"}])

    assert not result.invalid_rows, result.messages()
    assert sorted(Base.objects.get().platforms.values_list("name", flat=True)) == ["抖音", "淘宝直播"]


def test_an_unknown_platform_is_an_error_on_the_platforms_column(city_user):
    PlatformFactory(name="抖音")

    result = run(BaseResource, city_user, [{"name": "示例基地", "region": "长葛市", "platforms": "抖音、无此平台"}])

    [invalid] = result.invalid_rows
    assert list(invalid.error_dict) == [column(BaseResource, "platforms")]
    assert "无此平台" in invalid.error_dict[column(BaseResource, "platforms")][0]
    assert not Base.objects.exists()


def test_changing_only_a_bases_platforms_updates_it(city_user):
    base = BaseFactory(name="示例基地", platforms=[PlatformFactory(name="抖音")])
    PlatformFactory(name="快手")
    row = dict(zip(BaseResource().get_export_order(), BaseResource(user=city_user).export()[0], strict=True))

    result = run(BaseResource, city_user, [{**row, "platforms": "快手"}])

    assert result.totals["update"] == 1
    assert list(base.platforms.values_list("name", flat=True)) == ["快手"]


def test_sessions_export_with_their_fields_verbose_names_and_places(client, changge_user):
    anchors = [AnchorFactory(display_name="乙主播"), AnchorFactory(display_name="甲主播")]
    base = BaseFactory(name="示例基地")
    agency = AgencyFactory(organisation__name="示例机构")
    SessionFactory(region=region("长葛市/佛耳湖镇"), base=base, agency=agency, anchors=anchors, title="蜂蜜专场",
                   quantity=Decimal("25"), quantity_unit="tonne")
    SessionFactory(region=region("禹州市"))
    client.force_login(changge_user)

    [row] = exported_rows(export(client, "session"))

    with translation.override(settings.LANGUAGE_CODE):
        expected = [str(Session._meta.get_field(name).verbose_name) for name in (
            "started_at", "platform", "region")] + [column(SessionResource, "region_code")] + [
            str(Session._meta.get_field(name).verbose_name) for name in (
                "base", "agency", "anchors", "kind", "title", "product_category", "orders", "sales", "quantity",
                "quantity_unit")]
        tonne = str(Session._meta.get_field("quantity_unit").flatchoices[-1][1])
    assert list(row) == expected
    values = list(row.values())
    assert values[1:7] == ["淘宝直播", "长葛市/佛耳湖镇", region("长葛市/佛耳湖镇").code, "示例基地", "示例机构",
                           "乙主播、甲主播"]
    assert str(values[0]).startswith("2021-05-01 20:00")
    assert values[-1] == tonne and values[-2] == 25


def test_sessions_are_not_imported_through_their_export_resource(city_user):
    dataset = XLSX().create_dataset(XLSX().export_data(SessionResource(user=city_user).export()))

    result = SessionResource(user=city_user).import_data(dataset)

    assert result.has_errors()
    assert not Session.objects.exists()
