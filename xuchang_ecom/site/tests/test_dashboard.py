"""The public dashboard: the plan at a glance, the same cached page for every visitor."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache

from livestream import services as livestream
from programs import services
from programs.tests.factories import plan
from xuchang_ecom.accounts.tests.factories import region

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def program(city_user):
    livestream.brand_create(user=city_user, name="示例品牌", region=region("长葛市"), incubated_on=date(2021, 3, 1))
    program = plan(indicators=("poverty.enterprises",))
    services.rollup_backfill(start=date(2020, 6, 1), end=date(2021, 12, 31))
    return program


def test_a_visitor_sees_the_four_targets_their_status_and_the_data_date_in_chinese(client, program):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200 and response["Content-Language"] == "zh-hans"
    for label in ("已认定直播电商产业集聚区", "扶持示范带动直播机构", "孵化网红品牌", "培育带货达人"):
        assert label in html
    assert "数据截至 2021-12-31" in html
    assert "落后" in html
    assert "电商带贫企业" in html  # an indicator, shown the same way


def test_english_is_one_link_away(client, program):
    html = client.get("/", {"lang": "en"}).content.decode()
    assert "Influencer brands incubated" in html and 'lang="en"' in html


def test_the_page_sets_no_cookie_and_may_be_shared_by_caches(client, program):
    response = client.get("/")
    assert not response.cookies
    assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]


def test_a_warm_request_runs_no_query(client, program, django_assert_num_queries):
    client.get("/")
    with django_assert_num_queries(0):
        client.get("/")


def test_a_cold_request_runs_a_fixed_number_of_queries_whatever_the_data(client, program, city_user,
                                                                          django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        client.get("/")
    for n in range(20):
        livestream.brand_create(user=city_user, name=f"示例品牌{n}", region=region("禹州市"),
                                incubated_on=date(2021, 5, 1))
    cache.clear()
    with django_assert_max_num_queries(12):
        client.get("/")


def test_livestream_activity_shows_the_sessions_as_of_the_last_roll_up(client, program):
    from livestream.models import SessionKind
    from livestream.tests.factories import PlatformFactory, SessionFactory

    douyin = PlatformFactory(name="抖音")
    SessionFactory.create_batch(2, platform=douyin, sales=Decimal("1000.00"))
    SessionFactory(platform=douyin, kind=SessionKind.PUBLIC_WELFARE, sales=Decimal("50.00"))
    services.rollup_run(as_of=date(2021, 12, 31))

    by_month = client.get("/api/v1/dashboard/livestream-by-month/").json()
    assert by_month == [{"month": "2021-05", "sessions": 3, "orders": 30, "sales": 2050.0, "welfare": 1,
                         "cross_border": 0}]
    by_kind = client.get("/api/v1/dashboard/livestream-by-kind/").json()
    assert [(row["kind"], row["sessions"]) for row in by_kind] == [("商业直播", 2), ("公益直播", 1)]
    assert "抖音" in client.get("/").content.decode()


def test_the_demo_banner_shows_on_demo_data(client, program, settings):
    settings.DEMO_MODE = True
    assert "演示数据" in client.get("/").content.decode()


def test_large_figures_read_the_chinese_way_with_the_full_figure_beside(client):
    from django.utils import translation

    from xuchang_ecom.common.templatetags.figures import short_figure

    with translation.override("zh-hans"):
        assert short_figure(1_234_567) == "123.46万"
        assert short_figure(234_000_000) == "2.34亿"
        assert short_figure(9_999) == "9,999"
    with translation.override("en"):
        assert short_figure(1_234_567) == "1,234,567"


def test_the_county_table_ends_with_a_city_level_row_and_a_total_that_the_rows_add_up_to(client, program, city_user):
    from xuchang_ecom.regions.models import Level, Region

    livestream.brand_create(user=city_user, name="市级品牌", region=Region.objects.get(level=Level.CITY),
                            incubated_on=date(2021, 4, 1))
    services.rollup_run(as_of=date(2021, 12, 31))
    rows = client.get("/api/v1/dashboard/counties/").json()
    assert [row["kind"] for row in rows[-2:]] == ["city_level", "total"]
    assert {row["kind"] for row in rows[:-2]} == {"county"}
    assert [row["county"] for row in rows[-2:]] == ["市本级", "合计"]
    brands = "livestream.brands_incubated"
    assert Decimal(rows[-2][brands]) == 1 and Decimal(rows[-1][brands]) == 2
    for key in rows[0]:
        if key not in ("county", "kind"):
            assert sum(Decimal(row[key] or 0) for row in rows[:-1]) == Decimal(rows[-1][key]), key
    html = client.get("/").content.decode()
    assert 'data-kind="city_level"><th scope="row">市本级</th>' in html


def test_an_english_visitor_reads_units_in_english_though_targets_store_them_in_chinese(client, program):
    html = client.get("/", {"lang": "en"}).content.decode()
    assert "/ 1,000 people" in html and "/ 1,000 人" not in html
    progress = client.get("/api/v1/progress/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert {row["unit"] for row in progress} >= {"个", "人"}
