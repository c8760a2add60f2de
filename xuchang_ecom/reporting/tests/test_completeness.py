"""Who has reported for a period: on time, late, missing, by county and organisation."""
import re
from datetime import date, datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from xuchang_ecom.reporting import selectors, services
from xuchang_ecom.reporting.models import ReportEvent

from .factories import POVERTY_FIGURES, enterprise_reporter, period

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def may(city_user):
    may = period(date(2021, 5, 1))  # due 2021-05-10
    reporters = {
        "on_time": enterprise_reporter(city_user, "r1"),
        "late": enterprise_reporter(city_user, "r2"),
        "draft_only": enterprise_reporter(city_user, "r3"),
        "nothing": enterprise_reporter(city_user, "r4", county="禹州市"),
        "yuzhou_on_time": enterprise_reporter(city_user, "r5", county="禹州市"),
    }
    when = {"on_time": datetime(2021, 5, 10, 23, 59, tzinfo=SHANGHAI),
            "late": datetime(2021, 5, 11, 0, 1, tzinfo=SHANGHAI),
            "yuzhou_on_time": datetime(2021, 5, 3, 9, 0, tzinfo=SHANGHAI)}
    for key, reporter in reporters.items():
        if key == "nothing":
            continue
        report = services.report_start(user=reporter, period=may)
        if key in when:
            services.report_submit(user=reporter, report=report, data=POVERTY_FIGURES, version=report.version)
            ReportEvent.objects.filter(report=report, action=ReportEvent.Action.SUBMITTED).update(at=when[key])
    return may


def test_the_city_sees_each_county_ranked_with_on_time_late_and_missing(city_user, may):
    rows = {row["county"]: row for row in selectors.completeness_by_county(user=city_user, period=may)}
    assert (rows["长葛市"]["expected"], rows["长葛市"]["submitted"], rows["长葛市"]["on_time_count"],
            rows["长葛市"]["late_count"], rows["长葛市"]["missing"]) == (3, 2, 1, 1, 1)
    assert (rows["禹州市"]["expected"], rows["禹州市"]["on_time_count"], rows["禹州市"]["missing"]) == (2, 1, 1)
    ranking = [row["county"] for row in selectors.completeness_by_county(user=city_user, period=may)]
    assert ranking == ["禹州市", "长葛市"]  # 50 % on time before 33 %


def test_county_staff_see_only_their_county(changge_user, may):
    rows = selectors.completeness_by_county(user=changge_user, period=may)
    assert [row["county"] for row in rows] == ["长葛市"]


def test_the_completeness_page_and_its_xlsx_export(client, city_user, may):
    client.force_login(city_user)
    url = reverse("reporting:completeness", args=[may.pk])
    html = client.get(url).content.decode()
    assert "示例带贫企业r4" in html and "未报" in html
    response = client.get(url, {"format": "xlsx"})
    workbook = load_workbook(BytesIO(response.content))
    ranking = list(workbook.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert ranking[0][:3] == (1, "禹州市", 2)
    organisations = {row[1]: row[2] for row in workbook.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert organisations["示例带贫企业r2"] == "逾期" and organisations["示例带贫企业r3"] == "未报"


def test_reporters_do_not_reach_the_completeness_page(client, reporter_user, may):
    client.force_login(reporter_user)
    assert client.get(reverse("reporting:completeness", args=[may.pk])).status_code == 404


def test_the_county_table_is_one_query_however_many_organisations(may, city_user, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        selectors.completeness_by_county(user=city_user, period=may)


def test_the_column_counting_submitted_reports_is_headed_as_a_count_on_the_page_and_in_the_xlsx(client, city_user,
                                                                                                 may):
    client.force_login(city_user)
    url = reverse("reporting:completeness", args=[may.pk])
    html = client.get(url).content.decode()
    headings = re.findall(r'<th scope="col">(.*?)</th>', html)
    assert headings[:8] == ["排名", "县（市、区）", "应报", "已提交报表数", "按时", "逾期", "未报", "按时率（%）"]
    workbook = load_workbook(BytesIO(client.get(url, {"format": "xlsx"}).content))
    header = next(workbook.worksheets[0].iter_rows(max_row=1, values_only=True))
    assert header[3] == "已提交报表数" and "提交时间" not in header
