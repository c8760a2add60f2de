"""A plan whose deadline has passed: the pages say what was reached on the deadline and
whether the target was met, and forecast nothing any more."""
from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from livestream import services as livestream
from programs import services
from programs.models import Briefing
from xuchang_ecom.accounts.tests.factories import region

from .factories import plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def program(city_user):
    # Seven brands by the deadline (2022-12-31), two more in 2023: 9 of 50 today.
    for n in range(7):
        livestream.brand_create(user=city_user, name=f"示例品牌{n}", region=region("长葛市"),
                                incubated_on=date(2021, 1 + n, 1))
    for n in range(2):
        livestream.brand_create(user=city_user, name=f"后来的品牌{n}", region=region("长葛市"),
                                incubated_on=date(2023, 3 + n, 1))
    program = plan()
    services.rollup_backfill(start=date(2020, 6, 1), end=date(2023, 6, 30))
    return program


def test_after_the_deadline_staff_read_what_was_reached_on_it_not_a_forecast(client, city_user, program):
    client.force_login(city_user)
    html = client.get(reverse("programs:progress", args=[program.pk])).content.decode()
    assert "数据截至 2023-06-30" in html
    assert "截至 2022-12-31 达到 7 个，未完成目标" in html
    assert "预测" not in html.split("状态说明")[0]  # no forecast line above the closing note
    assert "9</a>" in html  # today's figure is still shown


def test_before_the_deadline_staff_still_read_a_forecast(client, city_user, program):
    client.force_login(city_user)
    html = client.get(reverse("programs:progress", args=[program.pk]), {"as_of": "2022-06-30"}).content.decode()
    assert "截止日期预测值" in html
    assert "未完成目标" not in html


def test_after_the_deadline_the_public_dashboard_says_what_was_reached_not_a_forecast(client, program):
    html = client.get("/").content.decode()
    assert "截至 2022-12-31 达到 7 个，未完成目标" in html
    assert "预计" not in html


def test_after_the_deadline_the_briefing_gives_what_was_reached_on_it_and_no_forecast(city_user, program):
    briefing = Briefing.objects.create(program=program, month=date(2023, 6, 30), requested_by=city_user)
    services.briefing_build(briefing_id=briefing.pk)
    briefing.refresh_from_db()
    with briefing.file.open("rb") as handle:
        overview = load_workbook(BytesIO(handle.read())).worksheets[0]
    rows = {row[0]: row for row in overview.iter_rows(values_only=True) if row and row[0]}
    header, brands = rows["目标"], rows["孵化网红品牌"]
    assert header[8:10] == ("截止日期预测值", "截止日期达到值")
    assert brands[4] == 9 and brands[7] == "未完成"
    assert brands[8] is None and brands[9] == 7
