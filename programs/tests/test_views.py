"""The progress page and its drill-down, for each role."""
import re
from datetime import date

import pytest
from django.urls import reverse

from livestream import services as livestream
from programs import services
from xuchang_ecom.accounts.tests.factories import region

from .factories import plan

pytestmark = pytest.mark.django_db
AS_OF = date(2021, 12, 31)


@pytest.fixture
def program(city_user):
    for n in range(3):
        livestream.anchor_create(user=city_user, display_name=f"示例主播{n}", region=region("长葛市"),
                                 cultivated_on=date(2021, 5, 1))
    livestream.anchor_create(user=city_user, display_name="示例主播禹州", region=region("禹州市"),
                             cultivated_on=date(2021, 6, 1))
    program = plan()
    services.target_split_set(target=program.targets.get(metric_key="livestream.anchors_cultivated"),
                              parts={region("长葛市"): 600, region("禹州市"): 400})
    services.rollup_backfill(start=date(2021, 1, 1), end=AS_OF)
    return program


def anchors_target(program):
    return program.targets.get(metric_key="livestream.anchors_cultivated")


def page(client, user, program, **params):
    client.force_login(user)
    return client.get(reverse("programs:progress", args=[program.pk]), params)


def test_city_staff_see_each_target_with_its_figure_pace_and_data_as_of(client, city_user, program):
    response = page(client, city_user, program)
    assert response.status_code == 200
    html = response.content.decode()
    assert "培育带货达人" in html
    assert "数据截至 2021-12-31" in html
    assert "落后" in html  # 4 of 1000 anchors after 19 months
    # The county table lists every county-level division.
    for county in ("长葛市", "禹州市", "魏都区", "东城区"):
        assert county in html


def test_county_staff_see_the_city_and_only_their_own_county(client, changge_user, program):
    html = page(client, changge_user, program).content.decode()
    table = html.split("县（市、区）", 1)[1]
    assert "长葛市" in table
    assert "禹州市" not in table


def test_a_reporter_and_an_anonymous_visitor_do_not_reach_the_progress_page(client, reporter_user, program):
    url = reverse("programs:progress", args=[program.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(reporter_user)
    assert client.get(url).status_code == 404


def test_an_earlier_date_shows_the_snapshot_of_that_date(client, city_user, program):
    html = page(client, city_user, program, as_of="2021-05-15").content.decode()
    assert "数据截至 2021-04-30" in html


def test_the_page_costs_the_same_queries_however_long_the_history(client, city_user, program,
                                                                   django_assert_max_num_queries):
    client.force_login(city_user)
    url = reverse("programs:progress", args=[program.pk])
    with django_assert_max_num_queries(12):
        client.get(url)
    services.rollup_backfill(start=date(2020, 6, 1), end=AS_OF)
    with django_assert_max_num_queries(12):
        client.get(url)


def test_the_drill_down_lists_as_many_records_as_the_number_shown(client, city_user, program):
    html = page(client, city_user, program).content.decode()
    target = anchors_target(program)
    link = reverse("programs:records", args=[target.pk, region("长葛市").pk])
    shown = re.search(rf'href="{re.escape(link)}\?as_of=2021-12-31">(\d+)</a>', html).group(1)
    listing = client.get(link, {"as_of": "2021-12-31"}).content.decode()
    assert shown == "3"
    assert "3 条记录" in listing
    assert listing.count("示例主播") == 3


def test_the_city_drill_down_lists_the_records_of_every_county(client, city_user, program):
    client.force_login(city_user)
    city = region("长葛市").parent
    listing = client.get(reverse("programs:records", args=[anchors_target(program).pk, city.pk]),
                         {"as_of": "2021-12-31"}).content.decode()
    assert "4 条记录" in listing
    assert "示例主播禹州" in listing


def test_county_staff_cannot_drill_into_another_county(client, changge_user, program):
    client.force_login(changge_user)
    target = anchors_target(program)
    assert client.get(reverse("programs:records", args=[target.pk, region("禹州市").pk])).status_code == 404
    assert client.get(reverse("programs:records", args=[target.pk, region("长葛市").pk])).status_code == 200


def test_staff_landing_before_any_program_is_entered_are_told_what_to_do(client, city_user):
    client.force_login(city_user)
    response = client.get(reverse("programs:list"))
    assert response.status_code == 200
    assert "尚未录入任何规划" in response.content.decode()
