"""Log-in throttling: repeated wrong passwords pause that username from that address."""
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from xuchang_ecom.accounts.tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_mails_counted_yet():
    """The password-reset limits count in the cache, which outlives a test."""
    from django.core.cache import cache

    cache.clear()


def log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_username_out_even_with_the_right_one_then_the_pause_ends(
        client, reporter_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "reporter_a", "wrong-password").status_code == 200
    assert log_in(client, "reporter_a", "wrong-password").status_code == 429
    locked = log_in(client, "reporter_a", DEFAULT_PASSWORD)
    assert locked.status_code == 429
    assert "15 分钟" in locked.content.decode()
    assert "_auth_user_id" not in client.session

    # The cool-off passes.
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16))
    assert log_in(client, "reporter_a", DEFAULT_PASSWORD).status_code == 302


def test_another_username_from_the_same_address_is_not_locked(client, reporter_user, city_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "reporter_a", "wrong-password")
    assert log_in(client, "city", DEFAULT_PASSWORD).status_code == 302


def test_a_wrong_password_says_so_in_chinese(client, reporter_user):
    assert "用户名或密码不正确" in log_in(client, "reporter_a", "wrong-password").content.decode()


def test_sessions_end_with_the_browser_and_after_a_working_day(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60


def test_a_forgotten_password_is_reset_by_email(client, reporter_user):
    from django.core import mail

    reporter_user.email = "reporter@example.org"
    reporter_user.save()
    response = client.post(reverse("password_reset"), {"email": "reporter@example.org"})
    assert response.status_code == 302
    assert mail.outbox[0].to == ["reporter@example.org"]
    assert "/accounts/reset/" in mail.outbox[0].body


def _reset(client, email):
    return client.post(reverse("password_reset"), {"email": email})


def test_password_reset_sends_an_address_at_most_its_limit_of_mails_and_answers_the_same_throughout(
        client, reporter_user, city_user, settings):
    from django.core import mail

    reporter_user.email = "reporter@example.org"
    reporter_user.save()
    city_user.email = "city@example.org"
    city_user.save()
    limit = settings.PASSWORD_RESET_MAILS_PER_ADDRESS
    answers = [_reset(client, "reporter@example.org") for _ in range(limit + 1)]
    assert len(mail.outbox) == limit
    # Over the limit, for an unknown address, and for another address with an account:
    # the same answer, so the page tells nobody which addresses have accounts.
    answers += [_reset(client, "nobody@example.org"), _reset(client, "city@example.org")]
    assert {(a.status_code, a["Location"], a.content) for a in answers} == {
        (302, reverse("password_reset_done"), b"")}
    # Another address is not affected by the first one's limit.
    assert len(mail.outbox) == limit + 1 and mail.outbox[-1].to == ["city@example.org"]


def test_password_reset_counts_an_address_however_its_letters_are_cased(client, reporter_user, settings):
    from django.core import mail

    reporter_user.email = "reporter@example.org"
    reporter_user.save()
    for n in range(settings.PASSWORD_RESET_MAILS_PER_ADDRESS + 2):
        _reset(client, "Reporter@Example.org" if n % 2 else "reporter@example.org")
    assert len(mail.outbox) == settings.PASSWORD_RESET_MAILS_PER_ADDRESS


def test_password_reset_limits_the_mails_per_account_too(client, reporter_user, settings):
    from django.core import mail

    settings.PASSWORD_RESET_MAILS_PER_ADDRESS = 100
    settings.PASSWORD_RESET_MAILS_PER_ACCOUNT = 2
    reporter_user.email = "reporter@example.org"
    reporter_user.save()
    for _ in range(3):
        _reset(client, "reporter@example.org")
    assert len(mail.outbox) == 2


def test_a_reached_limit_is_logged_without_the_address(client, reporter_user, settings, caplog):
    reporter_user.email = "reporter@example.org"
    reporter_user.save()
    with caplog.at_level("WARNING"):
        for _ in range(settings.PASSWORD_RESET_MAILS_PER_ADDRESS + 1):
            _reset(client, "reporter@example.org")
    assert "Password reset mail not sent: address limit reached" in caplog.text
    assert f"account {reporter_user.pk}" in caplog.text
    assert "reporter@example.org" not in caplog.text.lower()


def test_password_reset_still_sends_when_the_cache_is_unreachable(client, reporter_user, monkeypatch):
    from django.core import mail
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(cache, "add", down)
    reporter_user.email = "reporter@example.org"
    reporter_user.save()
    assert _reset(client, "reporter@example.org").status_code == 302
    assert len(mail.outbox) == 1


def test_the_log_in_page_offers_a_link_for_a_forgotten_password(client):
    page = client.get(reverse("login")).content.decode()
    assert f'<a href="{reverse("password_reset")}">忘记密码？</a>' in page


def _warning(response) -> str:
    import re

    found = re.search(r'<p class="notice" role="alert">(.*?)</p>', response.content.decode(), re.S)
    return found.group(1).strip() if found else ""


def test_wrong_passwords_are_told_how_many_attempts_remain_once_the_pause_is_close(client, reporter_user, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    warnings = [_warning(log_in(client, "reporter_a", "wrong-password")) for _ in range(4)]
    assert warnings == [
        "", "",
        "还可尝试 2 次：再输错 2 次密码，本处使用此用户名的登录将暂停 15 分钟。",
        "还可尝试 1 次：再输错 1 次密码，本处使用此用户名的登录将暂停 15 分钟。",
    ]
    assert log_in(client, "reporter_a", "wrong-password").status_code == 429


def test_the_warning_is_the_same_for_a_username_that_does_not_exist(client, reporter_user):
    import re

    def page(username):
        content = log_in(client, username, "wrong-password").content.decode().replace(username, "USERNAME")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content)

    warned = []
    for _ in range(4):
        unknown = page("nobody_by_this_name")
        assert page("reporter_a") == unknown
        warned.append('class="notice"' in unknown)
    assert warned == [False, False, True, True]  # the unknown name is warned too, alike
    assert log_in(client, "nobody_by_this_name", "wrong-password").status_code == 429
