"""Each figure as of a day counts only the links running (or paid) on that day."""
from datetime import date
from decimal import Decimal

import pytest

from poverty import services
from poverty.tests.factories import base, enterprise, household, yuzhou_village
from xuchang_ecom.accounts.tests.factories import region
from xuchang_ecom.common.metrics import all_metrics, get_metric

pytestmark = pytest.mark.django_db
KEYS = {
    "poverty.enterprises", "poverty.bases", "poverty.households_benefiting", "poverty.people_employed",
    "poverty.disabled_people_employed", "poverty.land_leased_mu", "poverty.rent_paid", "poverty.dividends_paid",
    "poverty.take_home_pay",
}


def value(key: str, as_of: date) -> Decimal:
    return get_metric(key).city_total(as_of)


def test_the_metrics_are_registered_under_stable_keys():
    assert {metric.key for metric in all_metrics()} >= KEYS


def test_an_employment_counts_from_its_start_until_the_day_it_ends(city_user):
    member = household(city_user, disabled_members=1)
    services.employment_create(user=city_user, household=member, base=base(city_user), member_name="示例成员",
                               is_disabled=True, started_on=date(2020, 3, 1), ended_on=date(2020, 9, 1))
    for day, expected in [(date(2020, 2, 29), 0), (date(2020, 3, 1), 1), (date(2020, 8, 31), 1), (date(2020, 9, 1), 0)]:
        assert value("poverty.people_employed", day) == expected, day
        assert value("poverty.disabled_people_employed", day) == expected, day
        assert value("poverty.households_benefiting", day) == expected, day


def test_a_person_with_two_jobs_is_one_person_employed(city_user):
    member, workplace = household(city_user), base(city_user)
    for where in [{"base": workplace}, {"enterprise": enterprise(city_user)}]:
        services.employment_create(user=city_user, household=member, member_name="示例成员",
                                   started_on=date(2020, 1, 1), **where)
    services.employment_create(user=city_user, household=member, base=workplace, member_name="示例成员乙",
                               started_on=date(2020, 1, 1))
    assert value("poverty.people_employed", date(2020, 6, 1)) == 2
    assert value("poverty.disabled_people_employed", date(2020, 6, 1)) == 0
    assert value("poverty.households_benefiting", date(2020, 6, 1)) == 1


def test_a_lease_counts_its_land_and_rent_while_it_runs(city_user):
    services.land_lease_create(user=city_user, household=household(city_user), base=base(city_user),
                               area_mu=Decimal("12.5"), annual_rent=Decimal("10000"), started_on=date(2018, 4, 1),
                               ended_on=date(2021, 4, 1))
    for day, area, rent in [(date(2018, 3, 31), 0, 0), (date(2018, 4, 1), Decimal("12.5"), 10000),
                            (date(2021, 3, 31), Decimal("12.5"), 10000), (date(2021, 4, 1), 0, 0)]:
        assert value("poverty.land_leased_mu", day) == area, day
        assert value("poverty.rent_paid", day) == rent, day
        assert value("poverty.households_benefiting", day) == (1 if area else 0), day


def test_dividends_count_from_payment_to_the_end_of_that_year(city_user):
    services.dividend_create(user=city_user, household=household(city_user), base=base(city_user), year=2019,
                             amount=Decimal("800"), paid_on=date(2020, 1, 15))
    for day, expected in [(date(2020, 1, 14), 0), (date(2020, 1, 15), 800), (date(2020, 12, 31), 800),
                          (date(2021, 1, 1), 0)]:
        assert value("poverty.dividends_paid", day) == expected, day
        assert value("poverty.households_benefiting", day) == (1 if expected else 0), day


def test_take_home_work_benefits_during_its_period_and_is_paid_at_its_end(city_user):
    services.take_home_work_create(user=city_user, household=household(city_user), enterprise=enterprise(city_user),
                                   period_start=date(2020, 10, 1), period_end=date(2020, 10, 31), pieces=400,
                                   pay=Decimal("600"))
    assert value("poverty.households_benefiting", date(2020, 9, 30)) == 0
    assert value("poverty.households_benefiting", date(2020, 10, 31)) == 1
    assert value("poverty.households_benefiting", date(2020, 11, 1)) == 0
    assert value("poverty.take_home_pay", date(2020, 10, 30)) == 0
    assert value("poverty.take_home_pay", date(2020, 10, 31)) == 600
    assert value("poverty.take_home_pay", date(2021, 1, 1)) == 0


def test_enterprises_and_bases_count_from_recognition_and_while_open(city_user):
    enterprise(city_user, recognised_on=date(2019, 6, 1))
    base(city_user, opened_on=date(2019, 6, 1), closed_on=date(2020, 6, 1))
    assert value("poverty.enterprises", date(2019, 5, 31)) == 0
    assert value("poverty.enterprises", date(2019, 6, 1)) == 1
    assert value("poverty.bases", date(2019, 6, 1)) == 1
    assert value("poverty.bases", date(2020, 6, 1)) == 0


def test_household_figures_count_in_the_county_of_the_households_village(city_user):
    workplace = base(city_user)
    for serial, village in [(1, region("长葛市/佛耳湖镇/岗李村")), (2, yuzhou_village())]:
        services.land_lease_create(user=city_user, household=household(city_user, serial=serial, village=village),
                                   base=workplace, area_mu=Decimal(serial), annual_rent=Decimal(0),
                                   started_on=date(2020, 1, 1))
    by_county = get_metric("poverty.land_leased_mu").by_county(date(2020, 6, 1))
    assert by_county == {region("长葛市").pk: 1, region("禹州市").pk: 2}


def test_each_metric_is_one_query(city_user, django_assert_num_queries):
    member = household(city_user)
    services.employment_create(user=city_user, household=member, base=base(city_user), member_name="示例成员",
                               started_on=date(2020, 1, 1))
    for metric in all_metrics():
        if metric.key in KEYS:
            with django_assert_num_queries(1):
                metric.by_county(date(2020, 6, 1))
