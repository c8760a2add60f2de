"""Log-in throttling: repeated wrong passwords pause that username from that address."""
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from xuchang_ecom.accounts.tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


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
