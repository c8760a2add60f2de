"""The staff API for households and their jobs: scoped, masked, constant in queries."""
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from poverty import services
from poverty.tests.factories import base, household, yuzhou_village
from xuchang_ecom.accounts.tests.factories import region
from xuchang_ecom.regions.models import Level, Region

pytestmark = pytest.mark.django_db
HOUSEHOLDS = reverse("poverty:household-list")
EMPLOYMENTS = reverse("poverty:employment-list")


def detail(pk: int) -> str:
    return reverse("poverty:household-detail", args=[pk])


@pytest.fixture
def world(city_user):
    """A household in each county, each with a job at one base."""
    workplace = base(city_user)
    changge = household(city_user, serial=1, head_name="张三丰")
    yuzhou = household(city_user, serial=2, head_name="王五", village=yuzhou_village(), exited_in=2019)
    for member in (changge, yuzhou):
        services.employment_create(user=city_user, household=member, base=workplace, member_name="李四光",
                                   started_on=date(2020, 1, 1))
    return {"changge": changge, "yuzhou": yuzhou}


def test_the_id_is_masked_in_the_api_even_for_city_staff(client, city_user, world):
    client.force_login(city_user)

    response = client.get(HOUSEHOLDS)

    rows = {row["id"]: row for row in response.json()["results"]}
    changge = world["changge"]
    assert rows[changge.pk]["resident_id"] == changge.masked_resident_id
    assert rows[changge.pk]["head_name"] == "张三丰"  # the name is theirs to see
    assert changge.resident_id.encode() not in response.content
    assert changge.resident_id.encode() not in client.get(detail(changge.pk)).content
    assert changge.resident_id.encode() not in client.get(EMPLOYMENTS).content


def test_county_staff_see_their_countys_households_masked(client, changge_user, world):
    client.force_login(changge_user)

    response = client.get(HOUSEHOLDS)

    [row] = response.json()["results"]
    assert (row["id"], row["head_name"], row["resident_id"]) == (
        world["changge"].pk, "张**", world["changge"].masked_resident_id
    )
    assert "张三丰".encode() not in response.content
    assert world["changge"].resident_id.encode() not in client.get(detail(world["changge"].pk)).content


def test_it_returns_404_for_another_countys_household(client, changge_user, world):
    client.force_login(changge_user)

    assert client.get(detail(world["yuzhou"].pk)).status_code == 404


def test_county_staff_see_their_countys_jobs_with_names_masked(client, changge_user, world):
    client.force_login(changge_user)

    response = client.get(EMPLOYMENTS)

    [row] = response.json()["results"]
    assert (row["household"], row["household_head_name"], row["household_resident_id"], row["member_name"]) == (
        world["changge"].pk, "张**", world["changge"].masked_resident_id, "李**"
    )
    assert "李四光".encode() not in response.content


def test_visitors_and_reporters_get_nothing(client, reporter_user, world):
    for url in (HOUSEHOLDS, detail(world["changge"].pk), EMPLOYMENTS):
        assert client.get(url).status_code == 403
    client.force_login(reporter_user)
    for url in (HOUSEHOLDS, detail(world["changge"].pk), EMPLOYMENTS):
        assert client.get(url).status_code == 403


def patch(client, pk: int, **data):
    return client.patch(detail(pk), data=data, content_type="application/json")


def test_county_staff_change_their_countys_household_and_get_it_back_masked(client, changge_user, world):
    client.force_login(changge_user)
    changge = world["changge"]
    other_village = Region.objects.filter(level=Level.VILLAGE, path__startswith="许昌市/长葛市/").exclude(
        pk=changge.village_id).first()

    response = patch(client, changge.pk, size=5, disabled_members=1, exited_in=2020, village=other_village.pk,
                     head_name="张三峰")

    assert response.status_code == 200, response.content
    row = response.json()
    assert (row["size"], row["disabled_members"], row["exited_in"], row["village"], row["head_name"]) == (
        5, 1, 2020, other_village.pk, "张**")
    changge.refresh_from_db()
    assert (changge.size, changge.head_name, changge.village) == (5, "张三峰", other_village)
    assert "张三峰".encode() not in response.content


def test_a_household_is_changed_only_where_the_user_may(client, changge_user, reporter_user, world):
    changge, yuzhou = world["changge"], world["yuzhou"]
    assert patch(client, changge.pk, size=5).status_code == 403  # a visitor
    client.force_login(reporter_user)
    assert patch(client, changge.pk, size=5).status_code == 403
    client.force_login(changge_user)
    assert patch(client, yuzhou.pk, size=5).status_code == 404
    # A village of another county is as unknown as a missing one.
    response = patch(client, changge.pk, village=yuzhou.village_id)
    assert response.status_code == 400 and "village" in response.json()
    changge.refresh_from_db()
    yuzhou.refresh_from_db()
    assert (changge.size, changge.village_id, yuzhou.size) == (3, world["changge"].village_id, 3)


@pytest.mark.parametrize("data", [{"size": 0}, {"disabled_members": 9}, {"exited_in": 2000}, {"size": 10 ** 30},
                                  {"size": "²"}, {"head_name": ""}, {"village": 10 ** 30}])
def test_an_invalid_change_is_refused_with_the_fields_message(client, changge_user, world, data):
    client.force_login(changge_user)

    response = patch(client, world["changge"].pk, **data)

    assert response.status_code == 400
    assert set(response.json()) <= {*data, "non_field_errors"}
    world["changge"].refresh_from_db()
    assert world["changge"].size == 3


def test_the_resident_id_number_is_not_changed_through_the_api(client, city_user, world):
    client.force_login(city_user)
    number = world["changge"].resident_id

    assert patch(client, world["changge"].pk, resident_id="11010119900307003X").status_code == 200

    world["changge"].refresh_from_db()
    assert world["changge"].resident_id == number


def test_households_filter_by_county_exit_and_village(client, city_user, world):
    client.force_login(city_user)

    def ids(**params) -> list[int]:
        return [row["id"] for row in client.get(HOUSEHOLDS, params).json()["results"]]

    assert ids(county=region("禹州市").pk) == [world["yuzhou"].pk]
    assert ids(exited="true") == [world["yuzhou"].pk]
    assert ids(exited="false") == [world["changge"].pk]
    assert ids(exited_in=2019) == [world["yuzhou"].pk]
    assert ids(village=world["changge"].village_id) == [world["changge"].pk]


def test_jobs_filter_by_county_and_date(client, city_user, world):
    client.force_login(city_user)

    assert client.get(EMPLOYMENTS, {"county": region("长葛市").pk}).json()["count"] == 1
    assert client.get(EMPLOYMENTS, {"active_on": "2019-12-31"}).json()["count"] == 0
    assert client.get(EMPLOYMENTS, {"active_on": "2020-06-01"}).json()["count"] == 2


def _queries(client, url, page_size) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"page_size": page_size})
    assert len(response.json()["results"]) == page_size
    return len(captured)


@pytest.mark.parametrize("user", ["city_user", "changge_user"])
def test_list_query_counts_do_not_grow_with_the_page_size(client, request, city_user, user):
    workplace = base(city_user)
    for serial in range(1, 61):
        member = household(city_user, serial=serial)
        services.employment_create(user=city_user, household=member, base=workplace, member_name="李四光",
                                   started_on=date(2020, 1, 1))
    client.force_login(request.getfixturevalue(user))
    client.get(HOUSEHOLDS, {"page_size": 1})  # warm session and permission caches

    assert _queries(client, HOUSEHOLDS, 10) == _queries(client, HOUSEHOLDS, 50)
    assert _queries(client, EMPLOYMENTS, 10) == _queries(client, EMPLOYMENTS, 50)
