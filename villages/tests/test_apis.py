import pytest
from django.urls import reverse

from villages.models import Designation, DesignationKind
from villages.tests.factories import DesignationFactory, SourceReportFactory, village
from xuchang_ecom.accounts.tests.factories import region

pytestmark = pytest.mark.django_db
LIST = reverse("villages:designation-list")


def detail(pk):
    return reverse("villages:designation-detail", args=[pk])


@pytest.fixture
def yuzhou_designation():
    return DesignationFactory(place=village("禹州市", "示例镇", "示例村"), year=2020)


def test_city_staff_list_every_designation_with_its_place_path(client, city_user, yuzhou_designation):
    DesignationFactory(year=2019)
    client.force_login(city_user)
    body = client.get(LIST).json()
    assert body["count"] == 2
    assert {row["place_path"] for row in body["results"]} == {"长葛市/佛耳湖镇/岗李村", "禹州市/示例镇/示例村"}


def test_the_list_filters_by_year_kind_and_county(client, city_user, yuzhou_designation):
    DesignationFactory(year=2019)
    DesignationFactory(year=2020, kind=DesignationKind.TOWN, place=region("长葛市/佛耳湖镇"))
    client.force_login(city_user)
    assert client.get(LIST, {"year": 2019}).json()["count"] == 1
    assert client.get(LIST, {"kind": "town"}).json()["count"] == 1
    changge = region("长葛市")
    assert client.get(LIST, {"county": changge.pk}).json()["count"] == 2
    assert client.get(LIST, {"county": changge.pk, "year": 2020}).json()["count"] == 1


def test_a_county_user_sees_only_their_county_in_the_list(client, changge_user, yuzhou_designation):
    DesignationFactory(year=2019)
    client.force_login(changge_user)
    assert [row["place_path"] for row in client.get(LIST).json()["results"]] == ["长葛市/佛耳湖镇/岗李村"]


def test_it_returns_404_for_another_countys_designation(client, changge_user, yuzhou_designation):
    client.force_login(changge_user)
    assert client.get(detail(yuzhou_designation.pk)).status_code == 404
    patch = client.patch(detail(yuzhou_designation.pk), {"note": "x"}, content_type="application/json")
    assert patch.status_code == 404
    assert client.get(detail(999999)).status_code == 404
    yuzhou_designation.refresh_from_db()
    assert yuzhou_designation.note == ""


def test_a_county_user_cannot_create_a_designation_in_another_county(client, changge_user):
    client.force_login(changge_user)
    response = client.post(LIST, {
        "place": village("禹州市", "示例镇", "示例村").pk, "kind": "village", "year": 2020,
        "source": SourceReportFactory().pk,
    }, content_type="application/json")
    assert response.status_code == 400
    assert "place" in response.json()
    assert not Designation.objects.exists()


def test_staff_create_and_update_through_the_same_rules_as_the_admin(client, changge_user):
    client.force_login(changge_user)
    response = client.post(LIST, {
        "place": region("长葛市/佛耳湖镇/岗李村").pk, "kind": "village", "year": 2020,
        "source": SourceReportFactory().pk, "main_products": "蜂蜜,蜂蜡", "online_sales": "1200000.50",
    }, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["main_products"] == "蜂蜜、蜂蜡"
    pk = response.json()["id"]
    duplicate = client.post(LIST, {
        "place": region("长葛市/佛耳湖镇/岗李村").pk, "kind": "village", "year": 2020,
        "source": SourceReportFactory().pk,
    }, content_type="application/json")
    assert duplicate.status_code == 400
    response = client.patch(detail(pk), {"online_shops": 320}, content_type="application/json")
    assert response.status_code == 200 and response.json()["online_shops"] == 320


def test_reporters_and_anonymous_visitors_get_no_staff_api(client, reporter_user):
    DesignationFactory()
    assert client.get(LIST).status_code == 403
    client.force_login(reporter_user)
    assert client.get(LIST).status_code == 403


def test_the_list_query_count_does_not_grow_with_the_page_size(client, city_user, django_assert_num_queries):
    source = SourceReportFactory()
    township = region("长葛市/佛耳湖镇")
    for n in range(100):
        village_node = village("长葛市", township.name, f"测试村{n:03d}")
        Designation.objects.create(place=village_node, kind="village", year=2020, source=source)
    client.force_login(city_user)
    client.get(LIST, {"page_size": 1})  # warm the session and content-type caches

    def queries_for(page_size):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIST, {"page_size": page_size})
        assert len(response.json()["results"]) == page_size
        return len(captured)

    assert queries_for(10) == queries_for(100)


def test_the_openapi_schema_and_docs_are_served_from_our_own_static_files(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/villages/designations/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs
    assert "cdn" not in docs.lower() and "//unpkg" not in docs
