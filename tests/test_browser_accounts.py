"""Accounts in a real browser, as their users meet them: the log-in page's forgotten-
password link and its warning before the pause, a new reporter's invitation link, and a
county officer keeping the reporter accounts on a phone. All in Chinese, none of Django's
admin pages."""
import os
import re
from pathlib import Path

import pytest
from django.core import mail

from xuchang_ecom.accounts import services
from xuchang_ecom.accounts.models import User
from xuchang_ecom.reporting.tests.factories import enterprise_reporter

from .test_browser import open_page
from .test_browser_applications import log_in, no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ARTIFACTS = Path(__file__).parent / "artifacts"
DESK = {"width": 1366, "height": 900, "locale": "zh-CN"}
PHONE = {"width": 375, "height": 812, "locale": "zh-CN"}

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def english_words(page) -> list[str]:
    """Words in Latin letters in the page's main part, usernames and addresses aside."""
    text = page.inner_text("main")
    text = re.sub(r"\S+@\S+|[a-z]+(_[a-z0-9]+)+|qiye\d+", "", text)
    return re.findall(r"[A-Za-z]{2,}", text)


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"accounts-{name}.png"), full_page=True)


def test_a_reporter_is_warned_before_the_pause_and_finds_the_forgotten_password_link(browser, live_server,
                                                                                     reporter_user):
    page = open_page(browser, f"{live_server.url}/accounts/login/", **PHONE)
    for _ in range(3):
        page.fill("#id_username", "reporter_a")
        page.fill("#id_password", "not-the-password")
        page.click("main button[type=submit]")
        page.wait_for_load_state("networkidle")
    warning = page.locator(".notice").inner_text()
    assert warning == "还可尝试 2 次：再输错 2 次密码，本处使用此用户名的登录将暂停 15 分钟。"
    assert no_sideways_scroll(page) and english_words(page) == []
    shot(page, "login-warning-phone")
    page.click("text=忘记密码？")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "忘记密码？"
    assert "Django" not in page.content() and english_words(page) == []
    assert page.errors == [] and page.foreign == []


def test_an_invited_reporter_sets_a_password_on_the_platforms_page_and_logs_in(browser, live_server,
                                                                              city_user, changge_user):
    reporter = enterprise_reporter(city_user, "qiye07", name="长葛市豫晨庄园")
    reporter.email = "zhang@example.org"
    reporter.save()
    services.reporter_invite(user=changge_user, reporter=reporter, site_url=live_server.url)
    link = re.search(r"http://\S+/accounts/invitation/\S+", mail.outbox[-1].body).group(0)
    page = open_page(browser, link, **DESK)
    assert page.locator("h1").inner_text() == "设置密码"
    assert "Django" not in page.content() and "管理" not in page.inner_text("body")
    assert english_words(page) == []
    shot(page, "invitation-desk")
    page.fill("#id_new_password1", "Yuchen-zhuangyuan-2020")
    page.fill("#id_new_password2", "Yuchen-zhuangyuan-2020")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "密码已设置"
    page.locator("main a", has_text="登录").click()
    page.wait_for_load_state("networkidle")
    page.fill("#id_username", "qiye07")
    page.fill("#id_password", "Yuchen-zhuangyuan-2020")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "退出（qiye07）" in page.inner_text("header").replace(" ", "")
    assert page.errors == [] and page.foreign == []


def test_a_county_officer_deactivates_an_account_of_the_county_on_a_phone(browser, live_server, city_user,
                                                                           changge_user):
    enterprise_reporter(city_user, "changge_rep", name="长葛市豫晨庄园")
    enterprise_reporter(city_user, "yuzhou_rep", county="禹州市", name="禹州市示例企业")
    page = log_in(browser, live_server.url, "changge")
    page.click("nav >> text=填报员账号")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "填报员账号"
    assert "长葛市豫晨庄园" in page.inner_text("main") and "禹州市示例企业" not in page.inner_text("main")
    assert no_sideways_scroll(page) and english_words(page) == []
    shot(page, "reporters-phone")
    page.locator("tr", has_text="changge_rep").locator("button", has_text="停用").click()
    page.wait_for_load_state("networkidle")
    assert "已停用" in page.locator("tr", has_text="changge_rep").inner_text()
    assert not User.objects.get(username="changge_rep").is_active
    assert page.errors == [] and page.foreign == []
