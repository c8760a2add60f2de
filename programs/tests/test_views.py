"""The progress page and its drill-down, for each role."""
import re
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from livestream import services as livestream
from programs import services
from xuchang_ecom.accounts.tests.factories import region
from xuchang_ecom.regions.models import Level, Region

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


class CountyTables(HTMLParser):
    """The rows of each county table on the page, as ``{target heading id: [(row head,
    value cell), …]}``, body rows then the footer's."""

    def __init__(self):
        super().__init__()
        self.tables, self.section, self.row, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and attrs.get("aria-labelledby", "").startswith("target-"):
            self.section = attrs["aria-labelledby"]
        elif tag == "table" and "counties" in (attrs.get("class") or "") and self.section:
            self.tables[self.section] = []
        elif tag == "tr" and self.section in self.tables:
            self.row = []
        elif tag in ("th", "td") and self.row is not None:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self.cell is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.row and self.row[0] not in ("县（市、区）",):
                self.tables[self.section].append((self.row[0], self.row[1]))
            self.row = None
        elif tag == "section":
            self.section = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def county_tables(html: str) -> dict:
    parser = CountyTables()
    parser.feed(html)
    return parser.tables


def number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def test_each_county_table_adds_up_to_the_city_with_a_city_level_and_a_total_row(client, city_user, program):
    # Two anchors held at city level, in no county-level division.
    city = Region.objects.get(level=Level.CITY)
    for n in range(2):
        livestream.anchor_create(user=city_user, display_name=f"市直主播{n}", region=city,
                                 cultivated_on=date(2021, 7, 1))
    services.rollup_backfill(start=date(2021, 12, 31), end=AS_OF)
    html = page(client, city_user, program).content.decode()
    tables = county_tables(html)
    assert len(tables) == 4  # one per target
    for rows in tables.values():
        *counties, (city_level, held), (total, together) = rows
        assert (city_level, total) == ("市本级", "合计")
        assert sum((number(value) for _name, value in counties), number(held)) == number(together)
    anchors = tables[f"target-{anchors_target(program).pk}"]
    assert anchors[-2:] == [("市本级", "2"), ("合计", "6")]
    # The total is the city's figure shown above the table.
    assert re.search(r'class="figure">\s*<a [^>]*>6</a>', html)


def test_county_staff_see_no_city_level_or_total_row_they_could_not_add_up(client, changge_user, program):
    rows = county_tables(page(client, changge_user, program).content.decode())
    assert rows and all([name for name, _value in table] == ["长葛市"] for table in rows.values())


def test_county_staff_see_the_city_figure_without_a_link_they_could_not_follow(client, changge_user, program):
    html = page(client, changge_user, program).content.decode()
    city = Region.objects.get(level=Level.CITY)
    links = re.findall(r'href="([^"]*/programs/targets/[^"]*)"', html)
    assert links and not any(f"/places/{city.pk}/" in link for link in links)
    for link in links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200
