"""County staff keep the reporter accounts of their county, city staff all of them: the
list, deactivating, reactivating and inviting again. Another county's account answers
exactly as one that does not exist."""
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from xuchang_ecom.accounts import selectors, services
from xuchang_ecom.accounts.models import User
from xuchang_ecom.accounts.tests.factories import DEFAULT_PASSWORD
from xuchang_ecom.reporting.tests.factories import enterprise_reporter

pytestmark = pytest.mark.django_db


@pytest.fixture
def reporters(city_user):
    """Three reporters of 长葛市 (one who has logged in, one invited, one deactivated) and
    one of 禹州市."""
    logged_in = enterprise_reporter(city_user, "changge_in", name="长葛市豫晨庄园")
    logged_in.last_login = timezone.now()
    invited = enterprise_reporter(city_user, "changge_new", name="长葛市石象镇学杰农业合作社")
    invited.invited_at, invited.email = timezone.now(), "xuejie@example.org"
    gone = enterprise_reporter(city_user, "changge_gone", name="长葛市示例合作社")
    gone.is_active = False
    elsewhere = enterprise_reporter(city_user, "yuzhou_rep", county="禹州市", name="禹州市示例企业")
    elsewhere.email = "yuzhou@example.org"
    for user in (logged_in, invited, gone, elsewhere):
        user.save()
    return {user.username: user for user in (logged_in, invited, gone, elsewhere)}


def rows(page: str) -> dict[str, str]:
    """Each account's row on the list, as text, by username."""
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S)[1:]:
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        found[text.split(" ")[0]] = text
    return found


def test_a_county_officer_lists_the_reporters_of_their_county_with_their_state(client, changge_user, reporters):
    client.force_login(changge_user)
    page = client.get(reverse("accounts-reporters")).content.decode()
    listed = rows(page)
    assert set(listed) == {"changge_in", "changge_new", "changge_gone"}
    assert "长葛市豫晨庄园" in listed["changge_in"] and "已启用" in listed["changge_in"]
    assert timezone.localtime(reporters["changge_in"].last_login).strftime("%Y-%m-%d") in listed["changge_in"]
    assert "从未 " in listed["changge_new"] + " " and "邀请，从未登录" in listed["changge_new"]
    assert "已停用" in listed["changge_gone"] and "重新启用" in listed["changge_gone"]
    assert "禹州市示例企业" not in page


def test_city_staff_list_every_reporter(client, city_user, reporters):
    client.force_login(city_user)
    assert set(rows(client.get(reverse("accounts-reporters")).content.decode())) == set(reporters)


def test_reporters_do_not_find_the_list(client, reporters):
    client.force_login(reporters["changge_in"])
    assert client.get(reverse("accounts-reporters")).status_code == 404
    assert not selectors.reporter_list(user=reporters["changge_in"]).exists()


def test_the_staff_navigation_leads_to_the_list_and_the_reporters_does_not(client, changge_user, reporters):
    link = f'href="{reverse("accounts-reporters")}"'
    client.force_login(changge_user)
    assert link in client.get(reverse("reporting:queue")).content.decode()
    client.force_login(reporters["changge_in"])
    assert link not in client.get(reverse("reporting:home")).content.decode()


def test_a_county_officer_deactivates_an_account_who_can_then_no_longer_log_in_and_reactivates_it(
        client, changge_user, reporters):
    reporter = reporters["changge_in"]
    reporter.set_password(DEFAULT_PASSWORD)
    reporter.save()
    client.force_login(changge_user)
    response = client.post(reverse("accounts-reporter-deactivate", args=[reporter.pk]), follow=True)
    assert "changge_in 已停用，不能再登录。" in response.content.decode()
    reporter.refresh_from_db()
    assert not reporter.is_active
    client.logout()
    assert client.post(reverse("login"), {"username": "changge_in", "password": DEFAULT_PASSWORD}).status_code == 200
    client.force_login(changge_user)
    client.post(reverse("accounts-reporter-reactivate", args=[reporter.pk]))
    reporter.refresh_from_db()
    assert reporter.is_active


def test_a_county_officer_sends_a_new_invitation(client, changge_user, reporters):
    reporter = reporters["changge_new"]
    before = reporter.invited_at
    client.force_login(changge_user)
    response = client.post(reverse("accounts-reporter-invite", args=[reporter.pk]), follow=True)
    assert "已向 changge_new 重新发送邀请。" in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["xuejie@example.org"] and "/accounts/invitation/" in message.body
    reporter.refresh_from_db()
    assert reporter.invited_at > before


def test_a_deactivated_account_is_not_invited_until_reactivated(client, changge_user, reporters):
    client.force_login(changge_user)
    response = client.post(reverse("accounts-reporter-invite", args=[reporters["changge_gone"].pk]), follow=True)
    assert "此账号已停用：请先重新启用，再发送邀请。" in response.content.decode()
    assert mail.outbox == []


@pytest.mark.parametrize("action", ["deactivate", "invite", "reactivate"])
def test_a_hostile_post_for_another_countys_account_answers_as_if_it_did_not_exist(
        client, changge_user, reporters, action):
    elsewhere = reporters["yuzhou_rep"]
    missing_pk = User.objects.order_by("-pk").first().pk + 100
    client.force_login(changge_user)
    url = f"accounts-reporter-{action}"
    out_of_scope = client.post(reverse(url, args=[elsewhere.pk]))
    missing = client.post(reverse(url, args=[missing_pk]))
    assert out_of_scope.status_code == missing.status_code == 404
    assert out_of_scope.content == missing.content
    elsewhere.refresh_from_db()
    assert elsewhere.is_active and elsewhere.invited_at is None
    assert mail.outbox == []


@pytest.mark.parametrize("service", [services.reporter_deactivate, services.reporter_reactivate])
def test_the_services_refuse_another_countys_account_as_a_missing_one(changge_user, reporters, service):
    with pytest.raises(User.DoesNotExist):
        service(user=changge_user, reporter=reporters["yuzhou_rep"])
    with pytest.raises(User.DoesNotExist):
        services.reporter_invite(user=changge_user, reporter=reporters["yuzhou_rep"], site_url="http://x/")
    assert User.objects.get(username="yuzhou_rep").is_active


def test_the_yuzhou_officer_acts_on_the_yuzhou_account_and_city_staff_on_any(client, yuzhou_user, city_user,
                                                                             reporters):
    services.reporter_deactivate(user=yuzhou_user, reporter=reporters["yuzhou_rep"])
    services.reporter_deactivate(user=city_user, reporter=reporters["changge_in"])
    assert not User.objects.filter(username__in=["yuzhou_rep", "changge_in"], is_active=True).exists()
