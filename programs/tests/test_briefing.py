"""The monthly briefing: asked for on the page, built in the background, downloaded."""
from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from livestream import services as livestream
from programs import services
from programs.models import Briefing, BriefingStatus, Program
from xuchang_ecom.accounts.tests.factories import region
from xuchang_ecom.regions.models import Level, Region

from .factories import plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(city_user):
    for n, day in enumerate([date(2021, 4, 10), date(2021, 5, 3), date(2021, 5, 20)]):
        livestream.brand_create(user=city_user, name=f"示例品牌{n}", region=region("长葛市"), incubated_on=day)
    return plan()


def workbook(briefing):
    with briefing.file.open("rb") as handle:
        return load_workbook(BytesIO(handle.read()))


def test_a_briefing_asked_for_on_the_page_is_built_and_downloads_as_xlsx(
        client, city_user, program, django_capture_on_commit_callbacks):
    client.force_login(city_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("programs:briefing-request", args=[program.pk]), {"month": "2021-05"})
    assert response.status_code == 302
    briefing = Briefing.objects.get()
    assert (briefing.status, briefing.progress, briefing.month) == (BriefingStatus.DONE, 100, date(2021, 5, 31))
    status = client.get(reverse("programs:briefing-status", args=[briefing.pk])).json()
    assert status["status"] == "done" and status["download"]
    download = client.get(status["download"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")

    overview = workbook(briefing).worksheets[0]
    rows = {row[0]: row for row in overview.iter_rows(values_only=True) if row and row[0]}
    brands = rows["孵化网红品牌"]
    # 3 brands at the end of May, 2 of them new since the end of April.
    assert brands[4] == 3 and brands[5] == 2
    assert brands[7] == "落后"
    counties = {row[0]: row for row in workbook(briefing).worksheets[1].iter_rows(values_only=True)}
    assert counties["长葛市"][3] == 3


def test_a_program_named_like_a_formula_is_written_into_the_briefing_as_text_not_a_live_formula(
        city_user, program):
    name = '=HYPERLINK("http://x","y")'
    Program.objects.filter(pk=program.pk).update(name=name)
    briefing = Briefing.objects.create(program=program, month=date(2021, 5, 31), requested_by=city_user)
    services.briefing_build(briefing_id=briefing.pk)
    briefing.refresh_from_db()
    cells = [cell for sheet in workbook(briefing).worksheets for row in sheet.iter_rows() for cell in row]
    title = workbook(briefing).worksheets[0]["A1"]
    assert title.data_type == "s" and title.value == "'" + name
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]


def test_a_briefing_for_a_month_not_yet_over_is_refused_with_a_message(client, city_user, program):
    client.force_login(city_user)
    response = client.post(reverse("programs:briefing-request", args=[program.pk]), {"month": "2999-01"},
                           follow=True)
    assert "请选择已经结束的月份。" in response.content.decode()
    assert not Briefing.objects.exists()


def test_a_garbled_month_is_refused_with_a_message(client, city_user, program):
    client.force_login(city_user)
    response = client.post(reverse("programs:briefing-request", args=[program.pk]), {"month": "五月"}, follow=True)
    assert "请选择月份，例如 2022-12。" in response.content.decode()


def test_a_briefing_delivered_twice_is_built_once(city_user, program):
    briefing = Briefing.objects.create(program=program, month=date(2021, 5, 31), requested_by=city_user)
    assert services.briefing_build(briefing_id=briefing.pk) is True
    assert services.briefing_build(briefing_id=briefing.pk) is False


def test_county_staff_may_neither_ask_for_nor_download_a_briefing(client, changge_user, city_user, program):
    briefing = Briefing.objects.create(program=program, month=date(2021, 5, 31), requested_by=city_user)
    services.briefing_build(briefing_id=briefing.pk)
    client.force_login(changge_user)
    assert client.post(reverse("programs:briefing-request", args=[program.pk]), {"month": "2021-05"}).status_code \
        == 403
    assert client.get(reverse("programs:briefing-download", args=[briefing.pk])).status_code == 404


def test_the_county_sheet_adds_up_to_the_city_with_a_city_level_and_a_total_row(city_user, program):
    # Two more brands: one in 禹州市, one held at city level (in no county-level division).
    livestream.brand_create(user=city_user, name="示例品牌禹州", region=region("禹州市"), incubated_on=date(2021, 5, 5))
    livestream.brand_create(user=city_user, name="市直品牌", region=Region.objects.get(level=Level.CITY),
                            incubated_on=date(2021, 5, 6))
    briefing = Briefing.objects.create(program=program, month=date(2021, 5, 31), requested_by=city_user)
    services.briefing_build(briefing_id=briefing.pk)
    briefing.refresh_from_db()
    rows = list(workbook(briefing).worksheets[1].iter_rows(values_only=True))
    header, *counties, city_level, total = rows
    assert (city_level[0], total[0]) == ("市本级", "合计")
    brands = header.index("孵化网红品牌")
    assert (city_level[brands], total[brands]) == (1, 5)
    for column in range(1, len(header)):
        assert sum(row[column] or 0 for row in counties) + city_level[column] == total[column]
