"""The open data as people find and download it: the catalogue at /api/v1/, the Chinese
page at /open-data/, files saved under a name, with Chinese column headers, and Excel."""
import csv
import io
from datetime import date
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from livestream import services as livestream
from programs import services
from programs.tests.factories import plan
from villages.tests.factories import DesignationFactory
from xuchang_ecom.accounts.tests.factories import region
from xuchang_ecom.site.apis import DASHBOARD_TABLES
from xuchang_ecom.site.opendata import DATA_SETS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def world(city_user):
    DesignationFactory(year=2020)
    livestream.brand_create(user=city_user, name="=示例品牌", region=region("长葛市"), incubated_on=date(2021, 3, 1))
    plan(indicators=("poverty.households_benefiting",))
    services.rollup_backfill(start=date(2021, 1, 1), end=date(2021, 12, 31))
    return city_user


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def saved_as(response) -> tuple[str, str]:
    """The ASCII file name and the UTF-8 one of a download."""
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    ascii_name = disposition.split('filename="', 1)[1].split('"', 1)[0]
    utf8_name = unquote(disposition.split("filename*=UTF-8''", 1)[1])
    return ascii_name, utf8_name


def test_the_readmes_api_v1_answers_with_a_catalogue_of_every_data_set(client, world):
    response = client.get("/api/v1/")
    assert response.status_code == 200
    body = response.json()
    assert body["page"] == "http://testserver/open-data/"
    assert body["documentation"] == "http://testserver/api/v1/docs/"
    assert "许昌市商务局" in body["licence"]
    names = {data_set["name"]: data_set for data_set in body["data_sets"]}
    assert {"plan-progress", "taobao-designations", "livestream-clusters", "livestream-bases",
            "livestream-agencies", "influencer-brands"} <= set(names)
    assert set(DASHBOARD_TABLES) <= set(names)
    assert names["taobao-designations"]["title"] == "淘宝村和淘宝镇"
    assert names["counties"]["formats"]["xlsx"] == "http://testserver/api/v1/dashboard/counties/?format=xlsx"
    # Every address in it answers.
    for data_set in body["data_sets"]:
        for url in data_set["formats"].values():
            assert client.get(url.removeprefix("http://testserver")).status_code == 200, url


def test_the_open_data_page_lists_each_data_set_in_chinese_with_its_downloads_and_licence(client, world):
    response = client.get("/open-data/")
    assert response.status_code == 200 and response["Content-Language"] == "zh-hans"
    assert not response.cookies
    page = response.content.decode()
    for data_set in DATA_SETS:
        assert f'href="{data_set.url()}"' in page
        assert f'href="{data_set.url()}?format=csv"' in page
    assert page.count("?format=xlsx") == len(DASHBOARD_TABLES)
    assert "开放数据" in page and "使用许可" in page and "来源：许昌市商务局" in page
    assert "更新频率" in page and "每日更新" in page
    assert 'href="/api/v1/docs/">接口文档</a>' in page


def test_the_licence_is_what_the_bureau_sets(client, settings):
    settings.OPEN_DATA_LICENCE = "知识共享署名 4.0 国际许可协议（CC BY 4.0）"
    assert "CC BY 4.0" in client.get("/open-data/").content.decode()
    assert client.get("/api/v1/").json()["licence"] == settings.OPEN_DATA_LICENCE


def test_the_header_and_footer_open_data_links_lead_to_the_chinese_page_not_swagger(client):
    home = client.get("/").content.decode()
    assert '<a href="/open-data/">开放数据</a>' in home
    assert 'href="/api/docs/"' not in home
    login = client.get("/accounts/login/").content.decode()
    assert '<a href="/open-data/">开放数据</a>' in login


def test_the_open_data_page_in_english_is_one_link_away(client):
    page = client.get("/open-data/").content.decode()
    assert 'href="/open-data/?lang=en"' in page
    english = client.get("/open-data/", {"lang": "en"})
    assert english["Content-Language"] == "en" and "Influencer brands" in english.content.decode()


def test_the_public_api_documentation_holds_the_open_data_endpoints_only(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    assert schema["paths"] and all(path.startswith("/api/v1/") for path in schema["paths"])
    assert "/api/v1/dashboard/{name}/" in schema["paths"]
    assert client.get("/api/v1/docs/").status_code == 200
    assert "/api/v1/schema/" in client.get("/api/v1/docs/", {"script": ""}).content.decode()
    # The staff API keeps its own documentation.
    staff = client.get("/api/schema/", {"format": "json"}).json()
    assert any(path.startswith("/api/villages/") for path in staff["paths"])


def test_a_csv_download_is_saved_under_a_chinese_name_with_an_ascii_fallback(client, world):
    today = date.today().isoformat()
    response = client.get("/api/v1/taobao-designations/", {"format": "csv"})
    assert saved_as(response) == (f"taobao-designations-{today}.csv", f"淘宝村和淘宝镇-{today}.csv")
    response = client.get("/api/v1/dashboard/villages-by-year/", {"format": "csv"})
    assert saved_as(response) == (f"dashboard-villages-by-year-{today}.csv", f"历年淘宝村和淘宝镇数量-{today}.csv")
    assert "Content-Disposition" not in client.get("/api/v1/taobao-designations/")


def test_the_csv_downloads_have_chinese_column_headers_and_the_json_keeps_its_keys(client, world):
    assert csv_rows(client.get("/api/v1/dashboard/villages-by-year/", {"format": "csv"})) == [
        ["年份", "淘宝村", "淘宝镇"], ["2020", "1", "0"]]
    assert client.get("/api/v1/dashboard/villages-by-year/").json() == [{"year": 2020, "villages": 1, "towns": 0}]
    brands = csv_rows(client.get("/api/v1/brands/", {"format": "csv"}))
    assert brands[0] == ["名称", "品类", "地点", "所属单位", "孵化日期"]
    assert brands[1][0] == "'=示例品牌"  # never a formula
    counties = csv_rows(client.get("/api/v1/dashboard/counties/", {"format": "csv"}))
    assert counties[0][0] == "县（市、区）" and not any("." in header for header in counties[0])
    progress = csv_rows(client.get("/api/v1/progress/", {"format": "csv"}))
    assert progress[0][:3] == ["规划方案", "指标代码", "目标或指标"]


def test_a_registrys_csv_download_is_the_whole_registry_not_its_first_page(client, world, city_user):
    for n in range(55):
        livestream.brand_create(user=city_user, name=f"示例品牌{n:02d}", region=region("禹州市"))
    assert len(client.get("/api/v1/brands/").json()["results"]) == 50
    assert len(csv_rows(client.get("/api/v1/brands/", {"format": "csv"}))) == 1 + 56


def test_every_dashboard_table_downloads_as_an_excel_workbook_with_chinese_headers(client, world):
    today = date.today().isoformat()
    for name in DASHBOARD_TABLES:
        response = client.get(f"/api/v1/dashboard/{name}/", {"format": "xlsx"})
        assert response.status_code == 200 and response["Content-Type"] == XLSX, name
        assert saved_as(response)[0] == f"dashboard-{name}-{today}.xlsx"
    response = client.get("/api/v1/dashboard/villages-by-year/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "历年淘宝村和淘宝镇数量"
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [["年份", "淘宝村", "淘宝镇"], [2020, 1, 0]]
    assert sheet["A1"].font.bold
    counties = load_workbook(io.BytesIO(client.get("/api/v1/dashboard/counties/", {"format": "xlsx"}).content)).active
    assert counties["A1"].value == "县（市、区）"


def test_an_error_is_answered_in_json_and_never_saved_as_a_file(client, world):
    response = client.get("/api/v1/dashboard/nope/", {"format": "xlsx"})
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert "Content-Disposition" not in response
    assert client.get("/api/v1/progress/", {"format": "csv", "county": "无此县"}).status_code == 404
