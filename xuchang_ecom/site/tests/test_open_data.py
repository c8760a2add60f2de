"""The open-data API: public registries and the dashboard's tables, never personal data."""
import re
from datetime import date

import pytest
from drf_spectacular.generators import SchemaGenerator

from livestream import services as livestream
from poverty.tests.factories import household
from programs import services
from programs.tests.factories import plan
from villages.tests.factories import DesignationFactory
from xuchang_ecom.accounts.tests.factories import region

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
PERSONAL_FIELDS = {"real_name", "mobile", "resident_id", "head_name", "member_name", "resident_id_hash"}


@pytest.fixture
def world(city_user):
    """Public records, and personal data that must never come out."""
    DesignationFactory(year=2020)
    livestream.cluster_create(user=city_user, name="示例集聚区", region=region("长葛市"), lead_industry="发制品",
                              recognised_on=date(2021, 1, 1))
    livestream.agency_create(user=city_user, name="示例直播机构", region=region("禹州市"),
                             supported_on=date(2021, 2, 1), support_batch="第一批")
    livestream.brand_create(user=city_user, name="示例品牌", region=region("长葛市"), incubated_on=date(2021, 3, 1))
    livestream.anchor_create(user=city_user, display_name="示例主播", region=region("长葛市"), real_name="王小明",
                             mobile="13912345678", cultivated_on=date(2021, 3, 1))
    household(city_user, serial=7)
    plan(indicators=("poverty.households_benefiting", "poverty.people_employed"))
    services.rollup_backfill(start=date(2021, 1, 1), end=date(2021, 12, 31))
    return city_user


def public_paths() -> list[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [path for path in schema["paths"] if path.startswith("/api/v1/")]


def concrete(path: str) -> list[str]:
    if "{name}" in path:
        from xuchang_ecom.site.apis import DASHBOARD_TABLES

        return [path.replace("{name}", name) for name in DASHBOARD_TABLES]
    return [path]


def fields(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in fields(item)}
    if isinstance(value, list):
        return {key for item in value for key in fields(item)}
    return set()


def test_every_public_endpoint_answers_anonymously_without_personal_data(client, world):
    paths = public_paths()
    assert len(paths) >= 7
    for template in paths:
        for path in concrete(template):
            for params in ({}, {"format": "csv"}):
                response = client.get(path, params)
                assert response.status_code == 200, path
                text = response.content.decode("utf-8-sig")
                assert not ID_NUMBER.search(text), path
                assert not MOBILE.search(text), path
                assert "王小明" not in text and "示例户主" not in text, path
                if not params:
                    assert not fields(response.json()) & PERSONAL_FIELDS, path


def test_the_public_registries_list_their_records_and_filter_by_county(client, world):
    clusters = client.get("/api/v1/clusters/").json()
    assert clusters["count"] == 1 and clusters["results"][0]["name"] == "示例集聚区"
    assert client.get("/api/v1/clusters/", {"county": "禹州市"}).json()["count"] == 0
    agencies = client.get("/api/v1/agencies/").json()["results"]
    assert [a["support_batch"] for a in agencies] == ["第一批"]
    designations = client.get("/api/v1/taobao-designations/", {"year": 2020, "kind": "village"}).json()
    assert designations["results"][0]["place"] == "长葛市/佛耳湖镇/岗李村"


def test_the_dashboard_tables_come_as_json_and_as_csv(client, world):
    rows = client.get("/api/v1/dashboard/villages-by-year/").json()
    assert rows == [{"year": 2020, "villages": 1, "towns": 0}]
    csv_text = client.get("/api/v1/dashboard/counties/", {"format": "csv"}).content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("县（市、区）,")
    assert client.get("/api/v1/dashboard/nope/").status_code == 404
