"""City staff open and close periods; staff list the reports of their area."""
from datetime import date

import pytest
from django.urls import reverse

from xuchang_ecom.reporting import services
from xuchang_ecom.reporting.models import Period

from .factories import enterprise_reporter, period

pytestmark = pytest.mark.django_db


def test_city_staff_open_a_period_in_the_admin(client, city_user):
    client.force_login(city_user)
    response = client.post(reverse("admin:reporting_period_add"),
                           {"month": "2021-06-01", "opens_on": "2021-06-01", "due_on": "2021-07-10", "is_open": "on"})
    assert response.status_code == 302
    assert Period.objects.get().is_open


def test_a_period_that_is_not_the_first_of_a_month_is_refused_in_words(client, city_user):
    client.force_login(city_user)
    response = client.post(reverse("admin:reporting_period_add"),
                           {"month": "2021-06-15", "opens_on": "2021-06-01", "due_on": "2021-07-10"})
    assert "填报期以月为单位：请填写该月第一天。" in response.content.decode()


def test_city_staff_move_a_periods_due_date_in_the_admin_but_never_before_it_opens(client, city_user):
    may = period(date(2021, 5, 1))
    client.force_login(city_user)
    url = reverse("admin:reporting_period_change", args=[may.pk])
    response = client.post(url, {"opens_on": "2021-05-01", "due_on": "2021-05-15", "is_open": "on"})
    assert response.status_code == 302
    response = client.post(url, {"opens_on": "2021-05-01", "due_on": "2021-04-30", "is_open": "on"})
    assert "填报期的截止日期不能早于开放日期。" in response.content.decode()
    may.refresh_from_db()
    assert (may.due_on, may.is_open) == (date(2021, 5, 15), True)


def test_county_staff_list_only_their_countys_reports(client, city_user, changge_user):
    may = period(date(2021, 5, 1))
    for username, county in (("r_changge", "长葛市"), ("r_yuzhou", "禹州市")):
        services.report_start(user=enterprise_reporter(city_user, username, county=county), period=may)
    client.force_login(changge_user)
    html = client.get(reverse("admin:reporting_report_changelist")).content.decode()
    assert "示例带贫企业r_changge" in html and "示例带贫企业r_yuzhou" not in html
    assert client.get(reverse("admin:reporting_period_add")).status_code == 403
