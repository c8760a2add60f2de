"""Numbers typed into a URL that no column holds or that are not plain digits: a superscript
``²`` (``isdigit()`` says yes, ``int()`` fails), Arabic-Indic ``٣`` and full-width ``３``
(``int()`` reads 3), 30 digits (beyond 64-bit integers), negative ids and impossible dates.
The API answers DRF's 400 naming the parameter; the admin refuses them as it refuses any
bad filter value (a redirect to ``?e=1``). Never a server error, never silently 3."""
import base64

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from livestream.tests.factories import SessionFactory
from xuchang_ecom.accounts.models import User

pytestmark = pytest.mark.django_db

BIG = "9" * 30
UNICODE_DIGITS = ["²", "٣", "３"]
HOSTILE = [BIG, "-" + BIG, *UNICODE_DIGITS]


def _get(client, url, params):
    client.raise_request_exception = False
    return client.get(url, params)


def _schema_integer_parameters():
    """(path, parameter) for every query parameter the schema calls a number, on every
    list without a path parameter: the filter sets, the pagination and the open data's own."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        if "{" in path or "get" not in operations:
            continue
        for parameter in operations["get"].get("parameters", []):
            if parameter["in"] == "query" and parameter["schema"].get("type") in ("integer", "number"):
                yield path, parameter["name"]


INTEGER_PARAMETERS = sorted(set(_schema_integer_parameters()))


def test_the_integer_parameters_of_the_staff_and_open_data_apis_are_all_found():
    found = set(INTEGER_PARAMETERS)
    assert {("/api/poverty/households/", "village"), ("/api/livestream/anchors/", "agency"),
            ("/api/poverty/employments/", "household"), ("/api/v1/clusters/", "page_size"),
            ("/api/livestream/sessions/", "page_size"), ("/api/v1/taobao-designations/", "year")} <= found


@pytest.mark.parametrize(("path", "name"), INTEGER_PARAMETERS)
def test_every_integer_parameter_of_every_api_list_answers_400_naming_it_for_hostile_numbers(
        client, city_user, path, name):
    client.force_login(city_user)
    for value in HOSTILE:
        response = _get(client, path, {name: value})
        assert response.status_code == 400, (value, response.status_code)
        assert name in response.json(), (value, response.json())


@pytest.mark.parametrize(("path", "name"), INTEGER_PARAMETERS)
def test_the_schema_gives_every_integer_parameter_its_bounds(path, name):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    parameter = next(p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name)
    assert parameter["schema"]["type"] == "integer"
    assert parameter["schema"]["minimum"] >= 0 and parameter["schema"]["maximum"] <= 2**63 - 1


def test_a_30_digit_village_agency_or_household_is_a_400_in_chinese_not_an_overflow(client, city_user):
    client.force_login(city_user)
    for url, name in (("/api/poverty/households/", "village"), ("/api/livestream/anchors/", "agency"),
                      ("/api/poverty/employments/", "household")):
        response = _get(client, url, {name: BIG})
        assert response.status_code == 400
        assert response.json() == {name: ["确保该值小于或等于9223372036854775807。"]}


def test_a_negative_id_is_a_400_and_a_real_id_still_filters(client, city_user):
    from poverty.tests.factories import household

    poor = household(city_user)
    client.force_login(city_user)
    assert _get(client, "/api/poverty/households/", {"village": "-1"}).status_code == 400
    listed = _get(client, "/api/poverty/households/", {"village": str(poor.village_id)}).json()
    assert [row["id"] for row in listed["results"]] == [poor.pk]


def test_a_county_in_full_width_digits_is_refused_not_read_as_another_county(client, city_user):
    from xuchang_ecom.accounts.tests.factories import region

    county = region("长葛市")
    client.force_login(city_user)
    full_width = str(county.pk).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert _get(client, "/api/livestream/anchors/", {"county": str(county.pk)}).status_code == 200
    response = _get(client, "/api/livestream/anchors/", {"county": full_width})
    assert response.status_code == 400 and "county" in response.json()


@pytest.mark.parametrize("url", ["/api/v1/taobao-designations/", "/api/v1/clusters/", "/api/v1/brands/",
                                 "/api/v1/agencies/"])
def test_a_superscript_page_size_on_the_open_data_is_a_400_not_a_server_error(client, url):
    response = _get(client, url, {"page_size": "²"})
    assert response.status_code == 400 and response.json() == {"page_size": ["请给出一个 1 至 200 之间的整数。"]}


def test_a_page_number_in_unicode_digits_is_a_400_and_one_past_the_end_stays_a_404(client):
    response = _get(client, "/api/v1/clusters/", {"page": "٣"})
    assert response.status_code == 400 and response.json() == {"page": ["请给出一个从 1 开始的整数。"]}
    assert _get(client, "/api/v1/clusters/", {"page": "0"}).status_code == 400
    assert _get(client, "/api/v1/clusters/", {"page": "999"}).status_code == 404
    assert _get(client, "/api/v1/clusters/", {"page": "last"}).status_code == 200


def _cursor(position: str) -> str:
    return base64.b64encode(f"p={position}".encode()).decode()


@pytest.mark.parametrize("position", ["2020-13-45", "2020-02-30 10:00:00+00:00", "0001-01-01 00:00:00+08:00",
                                      "9999-12-31 23:59:59-08:00", "2021-05-01 10:00:00", BIG])
def test_a_sessions_cursor_with_an_impossible_date_is_a_400_naming_the_cursor(client, city_user, position):
    client.force_login(city_user)
    response = _get(client, "/api/livestream/sessions/", {"cursor": _cursor(position)})
    assert response.status_code == 400 and response.json() == {"cursor": ["无效游标"]}


def test_a_cursor_that_is_not_base64_is_a_400_too_and_the_cursors_given_out_still_work(client, city_user):
    for _ in range(3):
        SessionFactory()
    client.force_login(city_user)
    assert _get(client, "/api/livestream/sessions/", {"cursor": "²"}).status_code == 400
    first = _get(client, "/api/livestream/sessions/", {"page_size": "2"}).json()
    second = client.get(first["next"]).json()
    assert len(first["results"]) == 2 and len(second["results"]) == 1


# ---------------------------------------------------------------------------------------
# The admin
# ---------------------------------------------------------------------------------------


def _superuser():
    return User.objects.create_superuser("root", "root@example.org", "x")


def test_a_30_digit_year_in_the_sessions_date_hierarchy_is_refused_like_any_bad_filter(client, city_user):
    client.force_login(city_user)
    url = reverse("admin:livestream_session_changelist")
    for year in (BIG, "9999", "²"):
        response = _get(client, url, {"started_at__year": year})
        assert response.status_code == 302 and response["Location"] == f"{url}?e=1"


def test_a_county_or_exit_year_in_unicode_digits_is_refused_in_the_household_admin(client, city_user):
    client.force_login(city_user)
    url = reverse("admin:poverty_household_changelist")
    for name in ("county", "exited"):
        for value in ("²", BIG):
            response = _get(client, url, {name: value})
            assert response.status_code == 302 and response["Location"] == f"{url}?e=1"
    assert _get(client, url, {"exited": "no"}).status_code == 200


def test_an_export_with_a_bad_filter_value_is_refused_as_the_change_list_refuses_it(client, city_user):
    client.force_login(city_user)
    response = _get(client, reverse("admin:livestream_session_export"), {"started_at__year": BIG})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:livestream_session_changelist") + "?e=1"


def _admin_parameters():
    """(model admin, URL parameter) for every registered admin: each of its list filters'
    parameters, its date hierarchy's, and a look-up by id."""
    request = RequestFactory().get("/")
    request.user = _superuser()
    for model, model_admin in admin.site._registry.items():
        changelist = model_admin.get_changelist_instance(request)
        names = {name for spec in changelist.filter_specs for name in spec.expected_parameters()}
        if model_admin.date_hierarchy:
            names |= {f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")}
        names.add("id__in")
        yield model, sorted(names)


def test_no_admin_change_list_answers_a_hostile_number_with_a_server_error(client):
    client.raise_request_exception = False
    every = list(_admin_parameters())
    client.force_login(User.objects.get(username="root"))
    assert len(every) == len(admin.site._registry)
    failures = []
    for model, names in every:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for name in names:
            for value in [*HOSTILE, "0", "2020-13-45", f"1,{BIG}"]:
                response = client.get(url, {name: value})
                refused = response.status_code == 302 and response["Location"] == f"{url}?e=1"
                if not (response.status_code == 200 or refused):
                    failures.append((url, name, value, response.status_code))
    assert not failures


def test_every_admin_lists_through_the_projects_change_list():
    from xuchang_ecom.common.adminsite import ChangeList

    request = RequestFactory().get("/")
    assert all(model_admin.get_changelist(request) is ChangeList for model_admin in admin.site._registry.values())


def test_a_month_of_30_digits_for_the_briefing_is_refused_with_a_message(client, city_user):
    from programs.models import Briefing
    from programs.tests.factories import plan

    program = plan()
    client.force_login(city_user)
    for month in (f"{BIG}-01", "２０２１-０５", "2021-13", f"2021-{BIG}"):
        response = client.post(reverse("programs:briefing-request", args=[program.pk]), {"month": month},
                               follow=True)
        assert "请选择月份，例如 2022-12。" in response.content.decode(), month
    assert not Briefing.objects.exists()
