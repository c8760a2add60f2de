from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from livestream import services
from livestream.models import Session
from xuchang_ecom.accounts.tests.factories import region

pytestmark = pytest.mark.django_db
ANCHORS = reverse("livestream:anchor-list")
SESSIONS = reverse("livestream:session-list")
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def anchors(city_user):
    platform = services.platform_create(name="抖音")
    return {
        county: services.anchor_create(
            user=city_user, display_name=f"{county}主播", region=region(county), real_name="张三丰",
            mobile="13812345678", cultivated_on=date(2021, 1, 1), accounts={platform: f"dy-{county}"},
        )
        for county in ("长葛市", "禹州市")
    }


def test_city_staff_see_anchors_personal_data_in_full(client, city_user, anchors):
    client.force_login(city_user)
    rows = client.get(ANCHORS).json()["results"]
    assert {(r["real_name"], r["mobile"]) for r in rows} == {("张三丰", "13812345678")}


def test_county_staff_without_the_permission_see_it_masked_and_only_their_county(client, changge_user, anchors):
    client.force_login(changge_user)
    rows = client.get(ANCHORS).json()["results"]
    assert [(r["display_name"], r["real_name"], r["mobile"]) for r in rows] == [("长葛市主播", "张**", "138****5678")]
    detail = client.get(reverse("livestream:anchor-detail", args=[anchors["长葛市"].pk])).json()
    assert "13812345678" not in str(detail) and "张三丰" not in str(detail)


def test_it_returns_404_for_another_countys_anchor(client, changge_user, anchors):
    client.force_login(changge_user)
    assert client.get(reverse("livestream:anchor-detail", args=[anchors["禹州市"].pk])).status_code == 404


def test_reporters_and_visitors_get_no_anchor_or_session_api(client, reporter_user, anchors):
    for url in (ANCHORS, SESSIONS):
        assert client.get(url).status_code == 403
    client.force_login(reporter_user)
    for url in (ANCHORS, SESSIONS):
        assert client.get(url).status_code == 403


def test_a_county_user_cannot_record_a_session_in_another_county(client, changge_user):
    platform = services.platform_create(name="淘宝直播")
    client.force_login(changge_user)
    response = client.post(SESSIONS, {
        "started_at": "2021-05-01T20:00:00+08:00", "platform": platform.pk, "region": region("禹州市").pk,
        "kind": "commercial", "sales": "100.00",
    }, content_type="application/json")
    assert response.status_code == 400 and "region" in response.json()
    assert not Session.objects.exists()


def test_a_public_welfare_session_selling_tonnes_of_carrots_is_recorded(client, city_user):
    platform = services.platform_create(name="农购网")
    client.force_login(city_user)
    response = client.post(SESSIONS, {
        "started_at": "2020-03-01T15:00:00+08:00", "platform": platform.pk, "region": region("长葛市").pk,
        "kind": "public_welfare", "title": "胡萝卜公益直播", "quantity": "25", "quantity_unit": "tonne",
    }, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["kind_display"] and Decimal(response.json()["quantity"]) == 25


def test_a_quantity_without_a_unit_is_refused(client, city_user):
    platform = services.platform_create(name="农购网")
    client.force_login(city_user)
    response = client.post(SESSIONS, {
        "started_at": "2020-03-01T15:00:00+08:00", "platform": platform.pk, "region": region("长葛市").pk,
        "kind": "commercial", "quantity": "25",
    }, content_type="application/json")
    assert response.status_code == 400


def test_sessions_filter_by_county_kind_and_date(client, city_user):
    platform = services.platform_create(name="淘宝直播")
    rows = [("长葛市", "commercial", 1), ("长葛市", "public_welfare", 2), ("禹州市", "commercial", 3)]
    for county, kind, day in rows:
        services.session_create(user=city_user, platform=platform, region=region(county), kind=kind,
                                started_at=datetime(2021, 5, day, 20, tzinfo=SHANGHAI))
    client.force_login(city_user)

    def listed(**params) -> list:
        return client.get(SESSIONS, params).json()["results"]

    assert len(listed(county=region("长葛市").pk)) == 2
    assert len(listed(kind="public_welfare")) == 1
    assert len(listed(started_from="2021-05-02")) == 2


def test_sessions_come_newest_first_a_page_at_a_time_without_counting_them_all(client, city_user):
    platform = services.platform_create(name="淘宝直播")
    for day in range(1, 6):
        services.session_create(user=city_user, platform=platform, region=region("长葛市"), kind="commercial",
                                started_at=datetime(2021, 5, day, 20, tzinfo=SHANGHAI))
    client.force_login(city_user)
    first = client.get(SESSIONS, {"page_size": 3}).json()
    assert "count" not in first
    assert [row["started_at"][:10] for row in first["results"]] == ["2021-05-05", "2021-05-04", "2021-05-03"]
    second = client.get(first["next"]).json()
    assert [row["started_at"][:10] for row in second["results"]] == ["2021-05-02", "2021-05-01"]
    assert second["next"] is None


def _queries(client, url, page_size):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"page_size": page_size})
    assert len(response.json()["results"]) == page_size
    return len(captured)


def test_list_query_counts_do_not_grow_with_the_page_size(client, changge_user, city_user):
    platform = services.platform_create(name="快手")
    anchor_objs = [
        services.anchor_create(user=city_user, display_name=f"主播{n:03d}", region=region("长葛市"),
                               accounts={platform: f"ks-{n}"})
        for n in range(60)
    ]
    for n in range(60):
        session = services.session_create(user=city_user, platform=platform, region=region("长葛市"),
                                          kind="commercial", started_at=datetime(2021, 5, 1, 20, tzinfo=SHANGHAI),
                                          anchors=anchor_objs[n:n + 2])
        assert session.pk
    client.force_login(changge_user)
    client.get(ANCHORS, {"page_size": 1})  # warm session and permission caches
    assert _queries(client, ANCHORS, 10) == _queries(client, ANCHORS, 50)
    assert _queries(client, SESSIONS, 10) == _queries(client, SESSIONS, 50)
