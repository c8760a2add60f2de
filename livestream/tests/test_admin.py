"""The livestream registry in the admin, as city staff, county staff and reporters use it."""
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from livestream import services
from livestream.models import Agency, Anchor, Cluster, Platform, Session
from livestream.tests.factories import (
    AgencyFactory,
    AnchorAccountFactory,
    AnchorFactory,
    BaseFactory,
    BrandFactory,
    ClusterFactory,
    ContestFactory,
    PlatformFactory,
    SessionFactory,
    TrainingFactory,
)
from tests.helpers import AdminPages
from xuchang_ecom.accounts.tests.factories import region, uscc
from xuchang_ecom.audit.models import LogEntry

pytestmark = pytest.mark.django_db

ADMIN = AdminPages("livestream")
url, listed = ADMIN.url, ADMIN.listed

FACTORIES = {
    "cluster": ClusterFactory,
    "base": BaseFactory,
    "brand": BrandFactory,
    "anchor": AnchorFactory,
    "session": SessionFactory,
    "training": TrainingFactory,
    "contest": ContestFactory,
}
RECORD_TYPES = [*FACTORIES, "agency"]


def make(model_name: str, county: str):
    """A record of ``model_name`` placed in ``county``."""
    if model_name == "agency":
        return AgencyFactory(organisation__region=region(county))
    return FACTORIES[model_name](region=region(county))


@pytest.mark.parametrize("model_name", RECORD_TYPES)
def test_a_county_user_sees_only_their_countys_rows(client, changge_user, model_name):
    mine = make(model_name, "长葛市")
    make(model_name, "禹州市")
    client.force_login(changge_user)

    assert listed(client, model_name) == [mine]


@pytest.mark.parametrize("model_name", RECORD_TYPES)
def test_another_countys_row_answers_404_to_change_and_delete(client, changge_user, model_name):
    theirs = make(model_name, "禹州市")
    client.force_login(changge_user)

    assert client.get(url(model_name, "change", theirs.pk)).status_code == 404
    assert client.post(url(model_name, "change", theirs.pk), {}).status_code == 404
    assert client.post(url(model_name, "delete", theirs.pk), {"post": "yes"}).status_code == 404
    assert type(theirs).objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("model_name", RECORD_TYPES)
def test_city_staff_see_every_county_and_filter_by_one(client, city_user, model_name):
    make(model_name, "长葛市")
    theirs = make(model_name, "禹州市")
    client.force_login(city_user)

    assert len(listed(client, model_name)) == 2
    assert listed(client, model_name, county=region("禹州市").pk) == [theirs]


@pytest.mark.parametrize("model_name", RECORD_TYPES)
def test_a_county_user_opens_their_own_rows(client, changge_user, model_name):
    mine = make(model_name, "长葛市")
    client.force_login(changge_user)

    assert client.get(url(model_name, "change", mine.pk)).status_code == 200


@pytest.mark.parametrize("model_name", RECORD_TYPES)
def test_a_county_user_opens_the_add_form(client, changge_user, model_name):
    client.force_login(changge_user)

    assert client.get(url(model_name, "add")).status_code == 200


def test_the_agency_form_offers_only_places_in_the_users_area(client, changge_user):
    client.force_login(changge_user)

    response = client.get(reverse("admin:autocomplete"), {
        "app_label": "accounts", "model_name": "organisation", "field_name": "region", "term": "市",
    })

    assert response.status_code == 200
    places = [result["text"] for result in response.json()["results"]]
    assert "长葛市" in places
    assert all(place.startswith("长葛市") for place in places)


def test_a_reporter_cannot_reach_the_livestream_admin(client, reporter_user):
    AnchorFactory()
    client.force_login(reporter_user)

    for model_name in [*RECORD_TYPES, "platform"]:
        response = client.get(url(model_name, "changelist"))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_county_user_cannot_add_a_cluster_in_another_county(client, changge_user):
    client.force_login(changge_user)

    response = client.post(url("cluster", "add"), {
        "name": "示例集聚区", "region": region("禹州市").pk, "lead_industry": "陶瓷",
    })

    assert response.status_code == 200
    assert "region" in response.context["adminform"].form.errors
    assert not Cluster.objects.exists()


def test_a_county_user_adds_a_cluster_in_their_county(client, changge_user):
    client.force_login(changge_user)

    response = client.post(url("cluster", "add"), {
        "name": " 长葛蜂产品直播集聚区 ", "region": region("长葛市/佛耳湖镇").pk, "lead_industry": "蜂产品",
    })

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Cluster.objects.get().name == "长葛蜂产品直播集聚区"  # tidied by the service


def test_a_session_added_in_the_admin_keeps_its_anchors(client, changge_user):
    anchors = [AnchorFactory(), AnchorFactory()]
    client.force_login(changge_user)

    response = client.post(url("session", "add"), {
        "started_at_0": "2021-05-01", "started_at_1": "20:00:00", "platform": PlatformFactory().pk,
        "region": region("长葛市").pk, "anchors": [anchor.pk for anchor in anchors], "kind": "commercial",
        "orders": "12", "sales": "3456.70",
    })

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert set(Session.objects.get().anchors.all()) == set(anchors)


def test_the_session_list_takes_the_same_queries_for_many_rows_as_for_few(client, city_user):
    client.force_login(city_user)
    SessionFactory.create_batch(3)
    with CaptureQueriesContext(connection) as few:
        listed(client, "session")
    SessionFactory.create_batch(40)
    with CaptureQueriesContext(connection) as many:
        listed(client, "session")

    assert len(many) == len(few)


def test_the_session_list_does_not_count_every_session(client, city_user):
    client.force_login(city_user)

    response = client.get(url("session", "changelist"))

    assert response.context["cl"].show_full_result_count is False


# ---------------------------------------------------------------------------------------
# Anchors' personal data
# ---------------------------------------------------------------------------------------


@pytest.fixture
def anchor():
    return AnchorFactory(display_name="蜂蜜小张", real_name="张三丰", mobile="13812345678")


def test_a_county_user_without_the_permission_sees_anchors_masked_in_the_list(client, changge_user, anchor):
    client.force_login(changge_user)

    page = client.get(url("anchor", "changelist")).content.decode()

    assert "蜂蜜小张" in page
    assert "张**" in page and "138****5678" in page
    assert "张三丰" not in page and "13812345678" not in page


def test_city_staff_see_anchors_in_full_in_the_list(client, city_user, anchor):
    client.force_login(city_user)

    page = client.get(url("anchor", "changelist")).content.decode()

    assert "张三丰" in page and "13812345678" in page


def test_the_change_form_does_not_reveal_personal_data_to_a_county_user(client, changge_user, anchor):
    client.force_login(changge_user)

    page = client.get(url("anchor", "change", anchor.pk)).content.decode()

    assert "张**" in page and "138****5678" in page
    assert "张三丰" not in page and "13812345678" not in page


def test_a_county_user_saving_an_anchor_with_the_masked_boxes_empty_keeps_its_personal_data(
        client, changge_user, anchor):
    client.force_login(changge_user)

    response = client.post(url("anchor", "change", anchor.pk), {
        "display_name": "蜂蜜小张", "region": anchor.region.pk, "cultivated_on": "2021-02-01",
        "real_name": "", "mobile": "",
        "accounts-TOTAL_FORMS": "0", "accounts-INITIAL_FORMS": "0",
    })

    assert response.status_code == 302, response.context["adminform"].form.errors
    anchor.refresh_from_db()
    assert (anchor.real_name, anchor.mobile, anchor.cultivated_on) == ("张三丰", "13812345678", date(2021, 2, 1))


def test_a_county_user_replaces_an_anchors_mobile_number_without_reading_it(client, changge_user, anchor):
    client.force_login(changge_user)

    response = client.post(url("anchor", "change", anchor.pk), {
        "display_name": "蜂蜜小张", "region": anchor.region.pk, "real_name": "", "mobile": "13900000000",
        "accounts-TOTAL_FORMS": "0", "accounts-INITIAL_FORMS": "0",
    })

    assert response.status_code == 302, response.context["adminform"].form.errors
    anchor.refresh_from_db()
    assert (anchor.real_name, anchor.mobile) == ("张三丰", "13900000000")


def test_the_change_form_offers_the_masked_values_only_as_hints_to_a_county_user(client, changge_user, anchor):
    client.force_login(changge_user)

    form = client.get(url("anchor", "change", anchor.pk)).context["adminform"].form

    assert form["real_name"].value() == "" and form["mobile"].value() == ""
    assert form.fields["mobile"].widget.attrs["placeholder"] == "138****5678"


def test_city_staff_change_an_anchors_personal_data(client, city_user, anchor):
    client.force_login(city_user)

    response = client.post(url("anchor", "change", anchor.pk), {
        "display_name": "蜂蜜小张", "region": anchor.region.pk, "real_name": "张三", "mobile": "139 0000 0000",
        "accounts-TOTAL_FORMS": "0", "accounts-INITIAL_FORMS": "0",
    })

    assert response.status_code == 302, response.context["adminform"].form.errors
    anchor.refresh_from_db()
    assert (anchor.real_name, anchor.mobile) == ("张三", "13900000000")


def test_a_county_user_types_personal_data_when_adding_an_anchor(client, changge_user):
    platform = PlatformFactory(name="抖音")
    client.force_login(changge_user)

    response = client.post(url("anchor", "add"), {
        "display_name": "长葛新主播", "region": region("长葛市").pk, "real_name": "李四", "mobile": "13700000000",
        "accounts-TOTAL_FORMS": "1", "accounts-INITIAL_FORMS": "0",
        "accounts-0-platform": platform.pk, "accounts-0-account": "dy-lisi",
    })

    assert response.status_code == 302, response.context["adminform"].form.errors
    added = Anchor.objects.get()
    assert (added.real_name, added.mobile) == ("李四", "13700000000")
    assert [(a.platform.name, a.account) for a in added.accounts.all()] == [("抖音", "dy-lisi")]


def test_a_county_user_cannot_search_anchors_by_mobile(client, changge_user, city_user, anchor):
    client.force_login(changge_user)
    assert listed(client, "anchor", q="13812345678") == []
    assert listed(client, "anchor", q="蜂蜜") == [anchor]

    client.force_login(city_user)
    assert listed(client, "anchor", q="13812345678") == [anchor]


def test_anchors_are_found_by_a_platform_account(client, changge_user, anchor):
    AnchorAccountFactory(anchor=anchor, account="dy-honey")
    client.force_login(changge_user)

    assert listed(client, "anchor", q="dy-honey") == [anchor]


# ---------------------------------------------------------------------------------------
# Agencies and platforms
# ---------------------------------------------------------------------------------------


def agency_form(**values) -> dict:
    return {"name": "长葛示例直播机构", "uscc": uscc(500), "region": region("长葛市").pk,
            "supported_on": "2021-01-10", "support_batch": "第一批", **values}


def test_adding_an_agency_registers_its_organisation(client, changge_user):
    client.force_login(changge_user)

    response = client.post(url("agency", "add"), agency_form())

    assert response.status_code == 302, response.context["adminform"].form.errors
    agency = Agency.objects.get()
    assert (agency.organisation.name, agency.organisation.uscc) == ("长葛示例直播机构", uscc(500))


def test_a_wrong_credit_code_is_refused_beside_the_field_and_named(client, changge_user):
    client.force_login(changge_user)
    wrong = uscc(500)[:-1] + ("0" if uscc(500)[-1] != "0" else "1")

    response = client.post(url("agency", "add"), agency_form(uscc=wrong))

    assert response.status_code == 200
    assert wrong in " ".join(response.context["adminform"].form.errors["uscc"])
    assert not Agency.objects.exists()


def test_an_organisation_already_an_agency_is_refused(client, changge_user):
    existing = AgencyFactory()
    client.force_login(changge_user)

    response = client.post(url("agency", "add"), agency_form(uscc=existing.organisation.uscc))

    assert response.status_code == 200
    assert "uscc" in response.context["adminform"].form.errors
    assert Agency.objects.count() == 1


def test_a_county_user_cannot_add_an_agency_in_another_county(client, changge_user):
    client.force_login(changge_user)

    response = client.post(url("agency", "add"), agency_form(region=region("禹州市").pk))

    assert response.status_code == 200
    assert "region" in response.context["adminform"].form.errors
    assert not Agency.objects.exists()


def test_changing_an_agency_changes_only_its_support(client, changge_user):
    agency = AgencyFactory()
    client.force_login(changge_user)

    response = client.post(url("agency", "change", agency.pk), {
        "supported_on": "2021-01-10", "support_batch": "第二批", "support_ended_on": "2022-06-01",
        "name": "改名企图",
    })

    assert response.status_code == 302, response.context["adminform"].form.errors
    agency.refresh_from_db()
    assert (agency.support_batch, agency.support_ended_on) == ("第二批", date(2022, 6, 1))
    assert agency.organisation.name != "改名企图"


def test_only_city_staff_add_platforms(client, changge_user, city_user):
    client.force_login(changge_user)
    assert client.get(url("platform", "changelist")).status_code == 200
    assert client.post(url("platform", "add"), {"name": "抖音"}).status_code == 403

    client.force_login(city_user)
    assert client.post(url("platform", "add"), {"name": " 抖音 ", "is_cross_border": ""}).status_code == 302
    platform = Platform.objects.get()
    assert (platform.name, platform.is_active) == ("抖音", True)


def test_a_county_user_deletes_their_own_row_through_the_service(client, changge_user):
    mine = ClusterFactory()
    client.force_login(changge_user)

    response = client.post(url("cluster", "delete", mine.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Cluster.objects.exists()


# -- an anchor's platform accounts --------------------------------------------------------


def anchor_form(anchor, accounts: list[dict]) -> dict:
    data = {"display_name": anchor.display_name, "region": anchor.region.pk, "real_name": "", "mobile": "",
            "cultivated_on": "2021-01-01", "accounts-TOTAL_FORMS": str(len(accounts)),
            "accounts-INITIAL_FORMS": str(sum(1 for row in accounts if row.get("id")))}
    for index, row in enumerate(accounts):
        data.update({f"accounts-{index}-{name}": value for name, value in row.items()})
    return data


def account_rows(anchor) -> list[dict]:
    return [{"id": link.pk, "anchor": anchor.pk, "platform": link.platform_id, "account": link.account}
            for link in anchor.accounts.order_by("pk")]


def trail_of(link) -> list[int]:
    return list(LogEntry.objects.get_for_object(link).order_by("pk").values_list("action", flat=True))


def test_an_account_changed_on_the_anchors_page_is_kept_once_in_the_trail_and_the_others_not_at_all(
        client, city_user, anchor):
    douyin = AnchorAccountFactory(anchor=anchor, account="dy-honey")
    kuaishou = AnchorAccountFactory(anchor=anchor, platform=PlatformFactory(name="快手"), account="ks-honey")
    rows = account_rows(anchor)
    rows[0]["account"] = "dy-honey-zhang"
    client.force_login(city_user)

    response = client.post(url("anchor", "change", anchor.pk), anchor_form(anchor, rows))

    assert response.status_code == 302, response.context["adminform"].form.errors
    douyin.refresh_from_db()
    assert douyin.account == "dy-honey-zhang"
    assert trail_of(douyin) == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert trail_of(kuaishou) == [LogEntry.Action.CREATE]


def test_an_account_ticked_for_deletion_goes_and_the_trail_says_so_once(client, city_user, anchor):
    douyin = AnchorAccountFactory(anchor=anchor, account="dy-honey")
    rows = account_rows(anchor)
    rows[0]["DELETE"] = "on"
    client.force_login(city_user)

    assert client.post(url("anchor", "change", anchor.pk), anchor_form(anchor, rows)).status_code == 302

    assert not anchor.accounts.exists()
    assert trail_of(douyin) == [LogEntry.Action.CREATE, LogEntry.Action.DELETE]


def test_two_accounts_on_one_platform_are_refused_on_the_page_and_nothing_is_saved(client, city_user, anchor):
    douyin = PlatformFactory(name="抖音")
    client.force_login(city_user)

    response = client.post(url("anchor", "change", anchor.pk), anchor_form(anchor, [
        {"anchor": anchor.pk, "platform": douyin.pk, "account": "dy-honey"},
        {"anchor": anchor.pk, "platform": douyin.pk, "account": "dy-honey-2"},
    ]))

    assert response.status_code == 200
    assert "每个平台只能登记主播的一个账号：抖音 填写了不止一次。" in response.content.decode()
    assert not anchor.accounts.exists()


def test_an_anchor_added_with_an_account_has_one_trail_entry_for_it(client, city_user):
    platform = PlatformFactory(name="抖音")
    client.force_login(city_user)

    response = client.post(url("anchor", "add"), {
        "display_name": "长葛新主播", "region": region("长葛市").pk, "real_name": "李四", "mobile": "13700000000",
        "accounts-TOTAL_FORMS": "1", "accounts-INITIAL_FORMS": "0",
        "accounts-0-platform": platform.pk, "accounts-0-account": "dy-lisi",
    })

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert trail_of(Anchor.objects.get().accounts.get()) == [LogEntry.Action.CREATE]


def test_an_account_added_while_the_anchors_page_was_open_is_kept_when_the_page_is_saved(client, city_user, anchor):
    rows = account_rows(anchor)
    AnchorAccountFactory(anchor=anchor, account="dy-honey")
    client.force_login(city_user)

    assert client.post(url("anchor", "change", anchor.pk), anchor_form(anchor, rows)).status_code == 302

    assert [link.account for link in anchor.accounts.all()] == ["dy-honey"]


# -- platforms ----------------------------------------------------------------------------


def test_a_platform_nobody_uses_is_deleted_in_the_admin(client, city_user):
    platform = PlatformFactory(name="误录平台")
    client.force_login(city_user)

    response = client.post(url("platform", "delete", platform.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Platform.objects.filter(pk=platform.pk).exists()


def test_a_platform_with_sessions_is_not_deleted_and_the_service_says_to_retire_it(client, city_user):
    session = SessionFactory()
    client.force_login(city_user)

    response = client.post(url("platform", "changelist"), {
        "action": "delete_selected", "_selected_action": [session.platform.pk], "post": "yes"})

    assert response.status_code == 200 and "受保护" in response.content.decode()
    assert Platform.objects.filter(pk=session.platform.pk).exists()
    with pytest.raises(ValidationError) as error:
        services.platform_delete(platform=session.platform)
    assert error.value.messages == [
        f"{session.platform.name} 上有直播场次或主播账号，不能删除。如已不再使用，请取消勾选“在用”。"]
