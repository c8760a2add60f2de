import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from villages import services
from villages.models import Designation, Honour, SourceReport
from villages.tests.factories import DesignationFactory, SourceReportFactory, village
from xuchang_ecom.accounts.tests.factories import region
from xuchang_ecom.audit.models import LogEntry

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:villages_designation_changelist")


@pytest.fixture
def yuzhou_designation():
    return DesignationFactory(place=village("禹州市", "示例镇", "示例村"), year=2020)


def test_the_changelist_shows_counts_per_year_and_county(client, city_user, yuzhou_designation):
    DesignationFactory(year=2020)
    DesignationFactory(year=2019)
    client.force_login(city_user)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    counts = list(response.context["counts_by_year_and_county"])
    assert {(row["year"], row["county"], row["villages"]) for row in counts} == {
        (2020, "长葛市", 1), (2020, "禹州市", 1), (2019, "长葛市", 1),
    }


def test_the_changelist_filters_by_county(client, city_user, yuzhou_designation):
    DesignationFactory(year=2020)
    client.force_login(city_user)
    response = client.get(CHANGELIST, {"county": region("禹州市").pk})
    assert list(response.context["cl"].result_list) == [yuzhou_designation]


def test_a_county_user_does_not_see_another_countys_designation_in_the_admin(client, changge_user, yuzhou_designation):
    mine = DesignationFactory()
    client.force_login(changge_user)
    assert list(client.get(CHANGELIST).context["cl"].result_list) == [mine]
    change_url = reverse("admin:villages_designation_change", args=[yuzhou_designation.pk])
    assert client.get(change_url).status_code == 404
    assert client.post(change_url, {"note": "x"}).status_code == 404
    delete_url = reverse("admin:villages_designation_delete", args=[yuzhou_designation.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 404
    assert Designation.objects.filter(pk=yuzhou_designation.pk).exists()


def test_a_county_user_cannot_add_a_designation_in_another_county_through_the_admin(client, changge_user):
    client.force_login(changge_user)
    response = client.post(reverse("admin:villages_designation_add"), {
        "place": village("禹州市", "示例镇", "示例村").pk, "kind": "village", "year": 2020,
        "source": SourceReportFactory().pk,
    })
    assert response.status_code == 200  # the form comes back with the error
    assert response.context["adminform"].form.errors
    assert not Designation.objects.exists()


def test_a_county_user_adds_a_designation_in_their_own_county_through_the_service(client, changge_user):
    client.force_login(changge_user)
    response = client.post(reverse("admin:villages_designation_add"), {
        "place": region("长葛市/佛耳湖镇/岗李村").pk, "kind": "village", "year": 2020,
        "source": SourceReportFactory().pk, "main_products": "蜂蜜,蜂蜡",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Designation.objects.get().main_products == "蜂蜜、蜂蜡"


def test_a_reporter_cannot_reach_the_admin(client, reporter_user):
    client.force_login(reporter_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.get(CHANGELIST).status_code == 302


def test_a_county_user_adding_an_honour_in_another_county_sees_the_error_beside_the_place(client, changge_user):
    client.force_login(changge_user)
    response = client.post(reverse("admin:villages_honour_add"), {
        "place": region("禹州市").pk, "year": 2020, "title": "2020年淘宝村百强县",
    })
    assert response.status_code == 200
    assert "place" in response.context["adminform"].form.errors
    assert not Honour.objects.exists()


# -- source reports -----------------------------------------------------------------------


def test_city_staff_add_a_source_report_and_designations_can_cite_it(client, city_user):
    client.force_login(city_user)
    response = client.post(reverse("admin:villages_sourcereport_add"), {
        "title": "2021中国淘宝村研究报告", "publisher": "阿里研究院", "year": "2021", "published_on": "2021-10-12"})
    assert response.status_code == 302
    assert services.source_report_get_or_create(title="2021中国淘宝村研究报告", year=2021).publisher == "阿里研究院"
    assert SourceReport.objects.count() == 1


def test_a_source_report_designations_cite_is_not_deleted_and_the_page_says_what_cites_it(
        client, city_user, yuzhou_designation):
    report = yuzhou_designation.source
    client.force_login(city_user)
    response = client.post(reverse("admin:villages_sourcereport_delete", args=[report.pk]), {"post": "yes"})
    assert response.status_code == 200
    assert "受保护" in response.content.decode() and str(yuzhou_designation) in response.content.decode()
    assert SourceReport.objects.filter(pk=report.pk).exists()


def test_the_service_refuses_to_delete_a_source_report_an_honour_cites(city_user):
    report = SourceReportFactory()
    Honour.objects.create(place=region("长葛市"), year=2020, title="淘宝村百强县", source=report)
    with pytest.raises(ValidationError) as error:
        services.source_report_delete(report=report)
    assert error.value.messages == [f"名录中有认定或荣誉以“{report.title}”为来源，不能删除。"]
    assert SourceReport.objects.filter(pk=report.pk).exists()


def test_a_source_report_nothing_cites_is_deleted_with_the_delete_selected_action_and_kept_in_the_trail(
        client, city_user):
    report = SourceReportFactory(title="误录的报告")
    client.force_login(city_user)
    response = client.post(reverse("admin:villages_sourcereport_changelist"), {
        "action": "delete_selected", "_selected_action": [report.pk], "post": "yes"})
    assert response.status_code == 302
    assert not SourceReport.objects.exists()
    assert LogEntry.objects.filter(object_id=report.pk, content_type__model="sourcereport",
                                   action=LogEntry.Action.DELETE).count() == 1


def test_a_county_user_deletes_their_countys_designations_with_the_delete_selected_action(client, changge_user):
    mine = DesignationFactory()
    client.force_login(changge_user)
    response = client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [mine.pk], "post": "yes"})
    assert response.status_code == 302
    assert not Designation.objects.exists()
    assert LogEntry.objects.filter(object_id=mine.pk, content_type__model="designation",
                                   action=LogEntry.Action.DELETE).count() == 1
