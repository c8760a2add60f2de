"""No screen answers differently for a right and a wrong guess of personal data.

A masked resident ID number (``411000********0014``) hides only the date of birth: with the
check character about 2,500 numbers fit, so anything that answers "yes" to one of them
reveals the number. The same holds for a masked name or mobile number. Each test tries one
channel as county staff (who may not read these) with the right value and a wrong one,
and expects the same answer; where the work truly needs a match by number (a county
importing its own households and their links, a number typed into a form), the match is
a logged and limited reveal instead.
"""
import re
import urllib.parse
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from livestream.tests.factories import AnchorFactory
from poverty import services
from poverty.models import Employment, Household, RevealKind, RevealLog
from poverty.resources import EmploymentResource, HouseholdResource
from poverty.tests.factories import GANGLI, base, household, yuzhou_village
from tests.helpers import AdminPages, csv_file
from xuchang_ecom.accounts.tests.factories import region
from xuchang_ecom.accounts.validators import resident_id_check_character
from xuchang_ecom.common.masking import lookup_reveals, personal_data_of
from xuchang_ecom.reporting.models import Notification

pytestmark = pytest.mark.django_db

POVERTY, LIVESTREAM = AdminPages("poverty"), AdminPages("livestream")


@pytest.fixture
def people(city_user):
    """A household of 长葛市 (head 张三丰) with a job (李四光), and an anchor (王五)."""
    head = household(city_user, serial=1, head_name="张三丰")
    job = services.employment_create(user=city_user, household=head, base=base(city_user), member_name="李四光",
                                     started_on=date(2020, 1, 1))
    anchor = AnchorFactory(display_name="蜂蜜小张", real_name="王五", mobile="13812345678", region=region("长葛市"))
    return SimpleNamespace(household=head, job=job, anchor=anchor, number=head.resident_id)


def guesses(number: str, count: int) -> list[str]:
    """Valid numbers that mask exactly like ``number``: the same place, sequence and check
    character, other dates of birth."""
    found, day = [], date(1930, 1, 1)
    while len(found) < count:
        first17 = number[:6] + day.strftime("%Y%m%d") + number[14:17]
        if resident_id_check_character(first17) == number[17] and first17 + number[17] != number:
            found.append(first17 + number[17])
        day += timedelta(days=1)
    return found


def answer(response, *guesses_made: str) -> str:
    """The page as its reader sees it, the guess itself and the form token taken out."""
    assert response.status_code < 500
    text = response.content.decode()
    for guess in guesses_made:
        forms, quoted = [guess], guess
        for _ in range(3):  # in links, and in links' preserved filters
            quoted = urllib.parse.quote(quoted)
            forms.append(quoted)
        for form in sorted({*forms, urllib.parse.quote_plus(guess)}, key=len, reverse=True):
            text = text.replace(form, "GUESS")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


def job_ids(job) -> list[str]:
    """What tells one import job's page from another's: its id and when it was uploaded
    (taken out by ``answer``)."""
    return [f"/{job.pk}/", f'value="{job.pk}"', f"{timezone.localtime(job.created_at):%Y-%m-%d %H:%M}"]


def assert_same_answer(client, url: str, right: dict, wrong: dict) -> None:
    right_response, wrong_response = client.get(url, right), client.get(url, wrong)
    assert right_response.status_code == wrong_response.status_code
    assert answer(right_response, *map(str, right.values())) == answer(wrong_response, *map(str, wrong.values()))


# ---------------------------------------------------------------------------------------
# The admin: search, URL lookups, autocomplete, sorting, the pages themselves
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("model_name", ["household", "employment", "landlease", "dividend", "takehomework"])
def test_searching_by_a_full_resident_id_number_answers_the_same_for_the_right_and_a_wrong_one(
        client, changge_user, people, model_name):
    client.force_login(changge_user)
    [wrong] = guesses(people.number, 1)

    assert_same_answer(client, POVERTY.url(model_name, "changelist"), {"q": people.number}, {"q": wrong})
    assert POVERTY.listed(client, model_name, q=people.number) == []


@pytest.mark.parametrize("pages,model_name,right,wrong", [
    (POVERTY, "household", "张三丰", "张三峰"),
    (POVERTY, "employment", "李四光", "李四先"),
    (POVERTY, "employment", "张三丰", "张三峰"),
    (LIVESTREAM, "anchor", "王五", "王六"),
    (LIVESTREAM, "anchor", "13812345678", "13812340000"),
])
def test_searching_by_a_name_or_mobile_number_answers_the_same_for_the_right_and_a_wrong_one(
        client, changge_user, people, pages, model_name, right, wrong):
    client.force_login(changge_user)

    assert_same_answer(client, pages.url(model_name, "changelist"), {"q": right}, {"q": wrong})
    assert pages.listed(client, model_name, q=right) == []


@pytest.mark.parametrize("pages,model_name,lookup,right,wrong", [
    (LIVESTREAM, "anchor", "mobile", "13812345678", "13800000000"),
    (LIVESTREAM, "anchor", "mobile__startswith", "138", "139"),
    (LIVESTREAM, "anchor", "real_name__regex", "^王", "^李"),
    (POVERTY, "household", "head_name", "张三丰", "张三峰"),
    (POVERTY, "household", "head_name__contains", "三丰", "三峰"),
    (POVERTY, "employment", "member_name", "李四光", "李四先"),
])
def test_filtering_the_admin_list_by_personal_data_in_the_url_answers_the_same_for_the_right_and_a_wrong_value(
        client, changge_user, people, pages, model_name, lookup, right, wrong):
    client.force_login(changge_user)

    assert_same_answer(client, pages.url(model_name, "changelist"), {lookup: right}, {lookup: wrong})
    # Also with the record pinned down by its id, as a digit-by-digit search would.
    pk = {"household": people.household.pk, "employment": people.job.pk, "anchor": people.anchor.pk}[model_name]
    assert_same_answer(client, pages.url(model_name, "changelist"), {"id": pk, lookup: right},
                       {"id": pk, lookup: wrong})


def _paths_to_personal_fields(model, depth: int = 2, prefix: str = ""):
    """Every lookup path from ``model`` to a field some user may not filter by."""
    personal = personal_data_of(model)
    for model_field in model._meta.get_fields():
        path = f"{prefix}{model_field.name}"
        if personal is not None and model_field.name in (*personal.masks, *personal.hidden):
            yield path
        if model_field.is_relation and model_field.related_model is not None and depth > 1:
            yield from _paths_to_personal_fields(model_field.related_model, depth - 1, f"{path}__")


def test_no_admin_lets_county_staff_filter_search_or_sort_by_anything_that_reaches_personal_data(changge_user):
    request = RequestFactory().get("/admin/")
    request.user = changge_user
    checked = []
    for model, model_admin in admin.site._registry.items():
        for path in _paths_to_personal_fields(model):
            assert lookup_reveals(model, path, user=changge_user), path
            for lookup in (path, f"{path}__startswith", f"{path}__regex"):
                assert not model_admin.lookup_allowed(lookup, "王", request), f"{model.__name__}: ?{lookup}="
            checked.append(f"{model.__name__}.{path}")
        search = model_admin.get_search_fields(request)
        ordering = model_admin.get_ordering(request) or ()
        for name in (*search, *ordering):
            assert not lookup_reveals(model, name, user=changge_user), f"{model.__name__}: {name}"
    # The sweep reached the registries' personal data, directly and through relations.
    assert {"Household.head_name", "Household.resident_id", "Employment.member_name",
            "Employment.household__head_name", "Anchor.mobile", "Anchor.real_name"} <= set(checked)


def test_the_autocomplete_of_households_answers_the_same_for_a_right_and_a_wrong_name_or_number(
        client, changge_user, people):
    client.force_login(changge_user)
    url = reverse("admin:autocomplete")
    field = {"app_label": "poverty", "model_name": "employment", "field_name": "household"}
    [wrong] = guesses(people.number, 1)

    for right_term, wrong_term in (("张三丰", "张三峰"), (people.number, wrong)):
        assert_same_answer(client, url, {**field, "term": right_term}, {**field, "term": wrong_term})
    everything = client.get(url, {**field, "term": ""}).json()["results"]
    assert [item["text"] for item in everything] == [str(people.household)]
    assert "张三丰" not in str(everything) and "张**" in str(everything)


def test_county_staff_see_households_in_registration_order_not_by_name(client, city_user, changge_user):
    first = household(city_user, serial=1, head_name="张一")
    second = household(city_user, serial=2, head_name="张三丰")

    client.force_login(city_user)
    assert POVERTY.listed(client, "household") == [first, second]  # 一 sorts before 三

    client.force_login(changge_user)
    assert POVERTY.listed(client, "household") == [second, first]  # newest first
    # The name column cannot be sorted by either.
    assert POVERTY.listed(client, "household", o="1") == [second, first]
    assert POVERTY.listed(client, "household", o="-1") == [second, first]


@pytest.mark.parametrize("model_name,full", [("household", ["张三丰"]), ("employment", ["张三丰", "李四光"])])
def test_county_staff_see_names_masked_in_the_admin_list_and_change_page(
        client, changge_user, people, model_name, full):
    client.force_login(changge_user)
    pk = {"household": people.household.pk, "employment": people.job.pk}[model_name]

    for page in (POVERTY.url(model_name, "changelist"), POVERTY.url(model_name, "change", pk),
                 POVERTY.url(model_name, "delete", pk)):
        content = client.get(page).content.decode()
        assert "张**" in content or "李**" in content, page
        for name in full:
            assert name not in content, page
        assert people.number not in content


def test_county_staff_correct_a_name_without_reading_it(client, changge_user, people):
    client.force_login(changge_user)
    url = POVERTY.url("household", "change", people.household.pk)
    form = {"village": people.household.village.pk, "size": "3", "disabled_members": "0", "exited_in": "",
            "new_resident_id": ""}

    assert client.post(url, {**form, "head_name": ""}).status_code == 302
    people.household.refresh_from_db()
    assert people.household.head_name == "张三丰"

    assert client.post(url, {**form, "head_name": "张三峰"}).status_code == 302
    people.household.refresh_from_db()
    assert people.household.head_name == "张三峰"


# ---------------------------------------------------------------------------------------
# The API
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name,params", [
    ("poverty:household-list", [{"head_name": "张三丰"}, {"head_name": "张三峰"}]),
    ("poverty:employment-list", [{"member_name": "李四光"}, {"member_name": "李四先"}]),
    ("livestream:anchor-list", [{"mobile": "13812345678"}, {"mobile": "13800000000"}]),
    ("livestream:anchor-list", [{"real_name": "王五"}, {"real_name": "王六"}]),
])
def test_the_staff_api_answers_the_same_for_a_right_and_a_wrong_name_or_number(client, changge_user, people,
                                                                               name, params):
    client.force_login(changge_user)
    right, wrong = params

    assert_same_answer(client, reverse(name), right, wrong)


def test_the_staff_api_cannot_be_sorted_by_name(client, city_user, changge_user):
    first = household(city_user, serial=1, head_name="张一")
    second = household(city_user, serial=2, head_name="张三丰")
    client.force_login(changge_user)

    for ordering in ("head_name", "-head_name", "resident_id", "id_hash"):
        listed = client.get(reverse("poverty:household-list"), {"ordering": ordering}).json()["results"]
        assert [row["id"] for row in listed] == [first.pk, second.pk], ordering


@pytest.mark.parametrize("name", ["poverty:household-list", "poverty:employment-list", "livestream:anchor-list"])
def test_api_answers_with_personal_data_are_never_stored_by_a_cache(client, changge_user, people, name):
    client.force_login(changge_user)

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_single_records_with_personal_data_are_never_stored_by_a_cache(client, changge_user, people):
    client.force_login(changge_user)

    for url in (reverse("poverty:household-detail", args=[people.household.pk]),
                reverse("livestream:anchor-detail", args=[people.anchor.pk]),
                POVERTY.url("household", "change", people.household.pk)):
        assert "no-store" in client.get(url)["Cache-Control"], url


# ---------------------------------------------------------------------------------------
# Imports: matching by number is a logged, limited reveal; names never identify
# ---------------------------------------------------------------------------------------


def households_file(numbers: list[str], **cells) -> bytes:
    return csv_file(HouseholdResource, [{"head_name": "张**", "resident_id": number, "village": GANGLI, "size": "3",
                                         "disabled_members": "0", **cells} for number in numbers])


def lookups() -> list[RevealLog]:
    return list(RevealLog.objects.filter(kind=RevealKind.MATCH).order_by("pk"))


def test_a_file_of_every_number_that_fits_a_mask_is_refused_before_anything_is_looked_up(
        client, city_user, changge_user, people):
    client.force_login(changge_user)
    candidates = guesses(people.number, 2500)
    assert 2500 > 2000  # the default daily limit (settings.PERSONAL_DATA_MATCH_LIMIT in the test settings)

    with_the_number = POVERTY.preview(client, "household", households_file([people.number, *candidates[1:]]))
    without_it = POVERTY.preview(client, "household", households_file(candidates))

    jobs = [with_the_number.context["job"], without_it.context["job"]]
    assert answer(with_the_number, *job_ids(jobs[0])) == answer(without_it, *job_ids(jobs[1]))
    for job in jobs:  # the one reason, no row read
        assert (job.state, job.rows_total, job.errors) == ("refused", 0, [])
        assert "2000" in job.reason and "2500" in job.reason
    assert jobs[0].reason == jobs[1].reason
    # The notifications telling how each ended read the same too.
    told = Notification.objects.filter(user=changge_user).order_by("pk")
    assert [note.message for note in told] == [told[0].message] * 2
    refused = lookups()
    assert [(entry.user, entry.refused, entry.numbers, entry.matched) for entry in refused] == [
        (changge_user, True, 2500, 0), (changge_user, True, 2500, 0)]
    # City staff are told once, not on every attempt.
    assert Notification.objects.filter(user=city_user).count() == 1
    assert not Household.objects.exclude(pk=people.household.pk).exists()


def test_a_county_import_that_matches_numbers_is_logged_with_how_many_matched(
        client, changge_user, people, settings):
    settings.PERSONAL_DATA_MATCH_LIMIT = 30
    client.force_login(changge_user)
    candidates = guesses(people.number, 19)

    POVERTY.preview(client, "household", households_file([people.number, *candidates]), name="我的住户.csv")

    [entry] = lookups()
    assert (entry.user, entry.via, entry.file_name, entry.numbers, entry.charged, entry.matched, entry.refused) == (
        changge_user, "import", "我的住户.csv", 20, 20, 1, False)
    assert list(entry.households.all()) == [people.household]


def test_checking_then_confirming_a_file_counts_its_numbers_once(client, changge_user, people, settings):
    settings.PERSONAL_DATA_MATCH_LIMIT = 5
    client.force_login(changge_user)
    new_numbers = guesses(people.number, 5)

    POVERTY.import_file(client, "household", households_file(new_numbers, head_name="新户主"))

    assert Household.objects.count() == 6
    assert [(entry.numbers, entry.charged) for entry in lookups()] == [(5, 5)]


def test_a_county_user_over_the_daily_limit_is_refused_with_a_clear_message(changge_user, people, settings):
    settings.PERSONAL_DATA_MATCH_LIMIT = 10
    first, second = guesses(people.number, 8), guesses(people.number, 12)[8:]

    services.resident_ids_look_up(user=changge_user, numbers=first)
    with pytest.raises(services.LookupLimitExceeded) as refused:
        services.resident_ids_look_up(user=changge_user, numbers=second)

    assert "8" in refused.value.messages[0] and "10" in refused.value.messages[0]
    assert [(entry.numbers, entry.charged, entry.refused) for entry in lookups()] == [(8, 8, False), (4, 0, True)]


def test_city_staff_look_numbers_up_without_a_limit_or_an_entry(city_user, people, settings):
    settings.PERSONAL_DATA_MATCH_LIMIT = 1

    found = services.resident_ids_look_up(user=city_user, numbers=[people.number, *guesses(people.number, 5)])

    assert found.visible == {people.number: people.household}
    assert not lookups()


def test_a_county_link_import_by_number_is_logged(changge_user, city_user, people):
    theirs = household(city_user, serial=2, village=yuzhou_village())
    rows = [{"household": number, "member_name": "王小二", "base": "示例扶贫基地01", "started_on": "2021-01-01"}
            for number in (people.number, theirs.resident_id)]

    result = EmploymentResource(user=changge_user).import_data(
        _dataset(EmploymentResource, rows), dry_run=True, file_name="就业.csv")

    assert len(result.invalid_rows) == 1  # the other county's household is as unknown as a wrong number
    [entry] = lookups()
    assert (entry.via, entry.file_name, entry.numbers, entry.matched) == ("import", "就业.csv", 2, 2)


def test_a_typed_name_never_identifies_a_job_so_a_right_and_a_wrong_guess_both_read_as_new(
        changge_user, people):
    def preview(member_name):
        row = {"household": people.number, "member_name": member_name, "base": "示例扶贫基地01",
               "started_on": "2020-01-01"}
        return EmploymentResource(user=changge_user).import_data(_dataset(EmploymentResource, [row]), dry_run=True)

    right, wrong = preview("李四光"), preview("李四先")

    assert (right.totals["new"], right.totals["update"]) == (wrong.totals["new"], wrong.totals["update"]) == (1, 0)
    assert Employment.objects.count() == 1


def test_a_row_naming_its_record_with_a_guessed_name_is_written_whether_or_not_the_guess_is_right(
        changge_user, people):
    def preview(head_name):
        row = {"registry_number": people.household.pk, "head_name": head_name, "resident_id": people.household
               .masked_resident_id, "village": GANGLI, "size": "3", "disabled_members": "0"}
        return HouseholdResource(user=changge_user).import_data(_dataset(HouseholdResource, [row]), dry_run=True)

    right, wrong = preview("张三丰"), preview("张三峰")

    assert right.totals["update"] == wrong.totals["update"] == 1
    assert right.totals["skip"] == wrong.totals["skip"] == 0


def test_a_county_export_comes_back_unchanged_through_its_registry_numbers(client, changge_user, people):
    client.force_login(changge_user)
    exported = POVERTY.export(client, "household", file_format="1")

    job = POVERTY.preview(client, "household", exported, name="export.csv").context["job"]

    assert job.confirmable, (job.state, job.reason, job.errors)
    assert (job.rows_unchanged, job.rows_new, job.rows_changed) == (1, 0, 0)
    assert not lookups()  # nothing typed, nothing looked up


def test_a_number_already_registered_elsewhere_is_refused_on_the_add_form_and_the_look_up_logged(
        client, city_user, changge_user):
    theirs = household(city_user, serial=2, village=yuzhou_village())
    client.force_login(changge_user)

    response = client.post(POVERTY.url("household", "add"), {
        "head_name": "王小二", "resident_id": theirs.resident_id, "village": region(GANGLI).pk, "size": "3",
        "disabled_members": "0", "exited_in": ""})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors.as_data()["resident_id"][0].code == "duplicate"
    assert theirs.resident_id not in " ".join(response.context["adminform"].form.errors["resident_id"])
    [entry] = lookups()
    assert (entry.via, entry.numbers, entry.matched, list(entry.households.all())) == ("form", 1, 1, [theirs])


def _dataset(resource, rows):
    from xuchang_ecom.records.importexport.formats import CSV

    return CSV().create_dataset(csv_file(resource, rows))
