"""The plan's figures as of a date count only what existed and was valid on that date."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from livestream import services
from xuchang_ecom.accounts.tests.factories import region
from xuchang_ecom.common.metrics import all_metrics, get_metric

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def value(key: str, as_of: date) -> Decimal:
    return get_metric(key).city_total(as_of)


def test_the_four_plan_metrics_are_registered_under_stable_keys():
    keys = {metric.key for metric in all_metrics()}
    assert {
        "livestream.clusters_recognised", "livestream.agencies_supported",
        "livestream.brands_incubated", "livestream.anchors_cultivated",
    } <= keys


def test_a_brand_counts_from_its_incubation_day(city_user):
    services.brand_create(user=city_user, name="示例品牌01", region=region("长葛市"), incubated_on=date(2021, 3, 1))
    assert value("livestream.brands_incubated", date(2021, 2, 28)) == 0
    assert value("livestream.brands_incubated", date(2021, 3, 1)) == 1


def test_a_withdrawn_agency_stops_counting_from_its_withdrawal(city_user):
    services.agency_create(user=city_user, name="示例直播机构01", region=region("长葛市"),
                           supported_on=date(2021, 1, 10), support_ended_on=date(2022, 6, 1))
    assert value("livestream.agencies_supported", date(2021, 1, 9)) == 0
    assert value("livestream.agencies_supported", date(2021, 1, 10)) == 1
    assert value("livestream.agencies_supported", date(2022, 5, 31)) == 1
    assert value("livestream.agencies_supported", date(2022, 6, 1)) == 0


def test_a_cluster_counts_between_recognition_and_revocation_but_not_while_planned(city_user):
    services.cluster_create(user=city_user, name="示例集聚区01", region=region("东城区"), lead_industry="发制品",
                            planned_on=date(2020, 10, 1), recognised_on=date(2021, 5, 1), revoked_on=date(2022, 1, 1))
    assert value("livestream.clusters_recognised", date(2021, 4, 30)) == 0
    assert value("livestream.clusters_recognised", date(2021, 5, 1)) == 1
    assert value("livestream.clusters_recognised", date(2022, 1, 1)) == 0


def test_an_anchor_on_three_platforms_counts_once(city_user):
    platforms = [services.platform_create(name=name) for name in ("淘宝直播", "抖音", "快手")]
    services.anchor_create(user=city_user, display_name="示例主播01", region=region("长葛市"),
                           cultivated_on=date(2020, 12, 1),
                           accounts={p: f"account-{p.pk}" for p in platforms})
    assert value("livestream.anchors_cultivated", date(2020, 12, 31)) == 1


def test_an_anchor_who_left_no_longer_counts(city_user):
    services.anchor_create(user=city_user, display_name="示例主播02", region=region("长葛市"),
                           cultivated_on=date(2020, 12, 1), left_on=date(2021, 6, 30))
    assert value("livestream.anchors_cultivated", date(2021, 6, 29)) == 1
    assert value("livestream.anchors_cultivated", date(2021, 6, 30)) == 0


def test_metrics_split_by_county_and_add_up_to_the_city(city_user):
    for n, county in enumerate(["长葛市", "长葛市", "禹州市"]):
        services.brand_create(user=city_user, name=f"示例品牌{n}", region=region(county), incubated_on=date(2021, 1, 1))
    by_county = get_metric("livestream.brands_incubated").by_county(date(2021, 12, 31))
    assert by_county == {region("长葛市").pk: 2, region("禹州市").pk: 1}
    assert value("livestream.brands_incubated", date(2021, 12, 31)) == 3


def test_sessions_count_until_the_end_of_the_day_in_xuchang_time(city_user):
    platform = services.platform_create(name="农购网")
    services.session_create(user=city_user, platform=platform, region=region("长葛市"), kind="public_welfare",
                            started_at=datetime(2020, 3, 1, 23, 30, tzinfo=SHANGHAI), sales=Decimal("1200000.00"),
                            quantity=Decimal("25"), quantity_unit="tonne")
    assert value("livestream.sessions_held", date(2020, 2, 29)) == 0
    assert value("livestream.sessions_held", date(2020, 3, 1)) == 1
    assert value("livestream.session_sales", date(2020, 3, 1)) == Decimal("1200000.00")


def test_each_metric_is_one_query(city_user, django_assert_num_queries):
    services.brand_create(user=city_user, name="示例品牌01", region=region("长葛市"), incubated_on=date(2021, 1, 1))
    for metric in all_metrics():
        with django_assert_num_queries(1):
            metric.by_county(date(2021, 12, 31))


def test_monthly_totals_group_sessions_orders_and_sales_by_month_and_kind(city_user):
    from livestream.models import Session

    platform = services.platform_create(name="淘宝直播")
    for day, kind, sales in [(1, "commercial", "100.50"), (20, "commercial", "200"), (5, "public_welfare", "50")]:
        services.session_create(user=city_user, platform=platform, region=region("长葛市"), kind=kind, orders=2,
                                started_at=datetime(2021, 4, day, 20, tzinfo=SHANGHAI), sales=Decimal(sales))
    rows = list(Session.objects.monthly_totals(by=("kind",)))
    assert [(r["kind"], r["sessions"], r["orders"], r["sales"]) for r in rows] == [
        ("commercial", 2, 4, Decimal("300.50")), ("public_welfare", 1, 2, Decimal("50.00")),
    ]
