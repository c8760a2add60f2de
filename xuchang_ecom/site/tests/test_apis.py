"""The open-data progress API: anonymous, aggregates only, JSON and CSV, throttled."""
import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from livestream import services as livestream
from programs import services
from programs.tests.factories import plan
from xuchang_ecom.accounts.tests.factories import region

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
URL = "/api/v1/progress/"


@pytest.fixture
def program(city_user):
    for n in range(3):
        livestream.brand_create(user=city_user, name=f"示例品牌{n}", region=region("长葛市"),
                                incubated_on=date(2021, 3, 1))
    program = plan(indicators=("poverty.enterprises",))
    services.target_split_set(target=program.targets.get(metric_key="livestream.brands_incubated"),
                              parts={region("长葛市"): 30, region("禹州市"): 20})
    services.rollup_backfill(start=date(2021, 1, 1), end=date(2021, 12, 31))
    return program


def by_key(rows):
    return {row["key"]: row for row in rows}


def test_anyone_reads_every_target_and_indicator_with_its_pace_and_as_of(client, program):
    rows = by_key(client.get(URL).json())
    brands = rows["livestream.brands_incubated"]
    assert (brands["target"], brands["actual"], brands["deadline"], brands["as_of"]) == (
        "50.00", "3.00", "2022-12-31", "2021-12-31")
    assert brands["status"] == "behind" and brands["status_label"] == "落后" and brands["percent"] == "6.0"
    assert rows["poverty.enterprises"]["target"] is None and rows["poverty.enterprises"]["status"] is None


def test_the_same_per_county_with_its_part_of_the_target(client, program):
    rows = by_key(client.get(URL, {"county": "长葛市"}).json())
    assert (rows["livestream.brands_incubated"]["target"], rows["livestream.brands_incubated"]["actual"]) == (
        "30.00", "3.00")
    assert rows["livestream.anchors_cultivated"]["target"] is None  # no county part
    assert client.get(URL, {"county": "不存在县"}).status_code == 404


def test_csv_opens_in_chinese_excel(client, program):
    response = client.get(URL, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {row["指标代码"]: row["实际值"] for row in rows}["livestream.brands_incubated"] == "3.00"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_new_snapshot_shows_at_once_the_cache_notwithstanding(client, program, city_user):
    assert by_key(client.get(URL).json())["livestream.brands_incubated"]["actual"] == "3.00"
    # Committed for real: the cache's version moves on when the transaction commits.
    livestream.brand_create(user=city_user, name="示例品牌新", region=region("禹州市"), incubated_on=date(2021, 6, 1))
    services.rollup_run(as_of=date(2021, 12, 31))
    assert by_key(client.get(URL).json())["livestream.brands_incubated"]["actual"] == "4.00"


def test_a_warm_request_runs_no_query(client, program, django_assert_num_queries):
    client.get(URL)
    with django_assert_num_queries(0):
        assert client.get(URL).status_code == 200


def test_it_sets_no_cookie(client, program):
    assert not client.get(URL).cookies


def test_a_client_over_its_rate_gets_a_clear_429(client, program, settings, monkeypatch):
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})
    assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 200
    response = client.get(URL)
    assert response.status_code == 429
    assert "Retry-After" in response
    assert reverse("open-data:progress") == URL


def test_with_the_cache_down_the_api_still_answers(client, program, monkeypatch):
    from django.core.cache import cache as default_cache

    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    for method in ("get", "set", "add", "incr", "get_many", "set_many"):
        monkeypatch.setattr(default_cache, method, down)
    response = client.get(URL)
    assert response.status_code == 200
    assert by_key(response.json())["livestream.brands_incubated"]["actual"] == "3.00"
