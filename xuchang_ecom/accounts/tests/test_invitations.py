"""A new reporter's invitation and a forgotten password: the platform's own mails, in
Chinese, signed by the bureau, and the platform's own pages to set the password."""
import re
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from xuchang_ecom.accounts import services
from xuchang_ecom.accounts.models import User
from xuchang_ecom.accounts.tokens import invitation_token_generator
from xuchang_ecom.reporting.tests.factories import enterprise

pytestmark = pytest.mark.django_db

SITE = "http://testserver/"


@pytest.fixture(autouse=True)
def no_mails_counted_yet():
    """The password-reset limits count in the cache, which outlives a test."""
    cache.clear()


@pytest.fixture
def changge_user(changge_user):
    changge_user.first_name = "李华"
    changge_user.save()
    return changge_user


@pytest.fixture
def organisation(city_user):
    # An organisation expected to report: a poverty-alleviation enterprise of 长葛市.
    return enterprise(city_user, name="长葛市豫晨庄园", county="长葛市").organisation


def create_account(client, user, organisation, username="qiye07"):
    client.force_login(user)
    return client.post(reverse("reporting:accounts-new"), {
        "organisation": organisation.pk, "username": username, "first_name": "张三", "email": "zhang@example.org"})


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def assert_no_english_words(text: str, *, username: str):
    words = re.findall(r"[A-Za-z]{3,}", re.sub(r"https?://\S+|\S+@\S+", "", text).replace(username, ""))
    assert words == [], words


def test_a_new_reporter_is_invited_in_the_platforms_own_words_not_djangos_reset_mail(client, changge_user,
                                                                                      organisation, settings):
    settings.ACCOUNT_INVITATION_DAYS = 7
    create_account(client, changge_user, organisation)
    (message,) = mail.outbox
    assert message.to == ["zhang@example.org"]
    assert message.subject == "邀请您开通许昌市电子商务项目平台填报账号（长葛市豫晨庄园）"
    body = message.body
    assert body.startswith("张三，您好：")
    assert "长葛市商务局的李华邀请您在许昌市电子商务项目平台为“长葛市豫晨庄园”填报数据。" in body
    assert "您的用户名： qiye07" in body or "您的用户名：qiye07" in body
    assert "链接 7 天内有效" in body
    assert "/accounts/invitation/" in link_in(message)
    assert body.rstrip().endswith("许昌市商务局电商办\n许昌市电子商务项目平台")
    # Nothing of Django's reset mail, and no host name as a signature.
    for djangos in ("重置", "In case", "团队", "testserver 团队", "Thanks"):
        assert djangos not in body
    assert "testserver" not in body.replace(link_in(message), "")
    assert_no_english_words(body + message.subject, username="qiye07")


def test_the_invitation_is_in_chinese_even_when_the_inviter_reads_english(client, changge_user, organisation):
    client.force_login(changge_user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.post(reverse("reporting:accounts-new"), {
        "organisation": organisation.pk, "username": "qiye07", "email": "zhang@example.org"})
    assert mail.outbox[0].body.startswith("qiye07，您好：")


def test_city_staff_invite_in_the_name_of_the_city_bureau(client, city_user, organisation):
    create_account(client, city_user, organisation)
    assert "许昌市商务局的city邀请您" in mail.outbox[0].body


def test_the_invitation_link_opens_the_platforms_page_to_choose_a_password_and_then_the_reporter_logs_in(
        client, changge_user, organisation):
    create_account(client, changge_user, organisation)
    client.logout()
    landing = client.get(link_in(mail.outbox[0]), follow=True)
    page = landing.content.decode()
    assert "<h1>设置密码</h1>" in page and "qiye07" in page
    assert "Django" not in page and "管理" not in page
    client.post(landing.redirect_chain[-1][0], {"new_password1": "Yuchen-zhuangyuan-2020",
                                               "new_password2": "Yuchen-zhuangyuan-2020"})
    logged_in = client.post(reverse("login"), {"username": "qiye07", "password": "Yuchen-zhuangyuan-2020"})
    assert logged_in.status_code == 302 and client.session["_auth_user_id"] == str(
        User.objects.get(username="qiye07").pk)
    # Used once: the link no longer works.
    client.logout()
    assert "此链接已失效" in client.get(link_in(mail.outbox[0]), follow=True).content.decode()


def test_a_new_invitation_replaces_the_earlier_link(client, changge_user, organisation):
    create_account(client, changge_user, organisation)
    reporter = User.objects.get(username="qiye07")
    reporter.invited_at = timezone.now() + timedelta(seconds=5)  # a later invitation
    reporter.save()
    assert "此链接已失效" in client.get(link_in(mail.outbox[0]), follow=True).content.decode()


def test_an_invitation_link_expires_after_the_days_it_names(client, changge_user, organisation, settings,
                                                             monkeypatch):
    settings.ACCOUNT_INVITATION_DAYS = 7
    create_account(client, changge_user, organisation)
    later = datetime.now() + timedelta(days=7, minutes=1)
    monkeypatch.setattr(invitation_token_generator, "_now", lambda: later)
    assert "此链接已失效" in client.get(link_in(mail.outbox[0]), follow=True).content.decode()


def test_a_reset_link_does_not_work_as_an_invitation_link(client, changge_user, organisation):
    create_account(client, changge_user, organisation)
    client.logout()
    client.post(reverse("password_reset"), {"email": "zhang@example.org"})
    reset_link = link_in(mail.outbox[1])
    assert "/accounts/reset/" in reset_link
    as_invitation = reset_link.replace("/accounts/reset/", "/accounts/invitation/")
    assert "此链接已失效" in client.get(as_invitation, follow=True).content.decode()


def test_the_password_reset_mail_is_the_platforms_own_and_signed_by_the_bureau(client, reporter_user):
    reporter_user.email = "reporter@example.org"
    reporter_user.save()
    client.post(reverse("password_reset"), {"email": "reporter@example.org"})
    (message,) = mail.outbox
    assert message.subject == "许昌市电子商务项目平台：设置新密码"
    body = message.body
    assert "您的用户名：reporter_a" in body.replace(" ", "")
    assert "链接 3 天内有效" in body
    assert "/accounts/reset/" in link_in(message)
    assert body.rstrip().endswith("许昌市商务局电商办\n许昌市电子商务项目平台")
    for djangos in ("你收到这封邮件是因为", "In case", "团队", "感谢使用我们的站点"):
        assert djangos not in body
    assert "testserver" not in body.replace(link_in(message), "")
    assert_no_english_words(body + message.subject, username="reporter_a")


@pytest.mark.parametrize("name", ["password_reset", "password_reset_done", "password_reset_complete",
                                  "password_change", "password_change_done", "password_reset_confirm"])
def test_every_password_page_is_the_platforms_own_and_headed_in_chinese(client, reporter_user, name):
    kwargs = {"uidb64": "MQ", "token": "set-password"} if name == "password_reset_confirm" else {}
    if name.startswith("password_change"):
        client.force_login(reporter_user)
    page = client.get(reverse(name, kwargs=kwargs)).content.decode()
    assert "Django" not in page and "管理" not in page
    assert 'class="site-header"' in page  # base.html
    heading = re.search(r"<h1>(.*?)</h1>", page).group(1)
    assert re.fullmatch(r"[\u4e00-\u9fff，。？、：]+", heading), heading


def test_an_invitation_that_cannot_be_sent_leaves_the_account_and_says_so(client, changge_user, organisation,
                                                                          monkeypatch):
    def down(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", down)
    response = create_account(client, changge_user, organisation)
    assert response["Location"] == reverse("accounts-reporters")
    reporter = User.objects.get(username="qiye07")
    assert reporter.invited_at is None
    page = client.get(response["Location"]).content.decode()
    assert "账号 qiye07 已创建，但未能发送邀请：邀请邮件未能发出，请稍后再试。" in page


def test_a_deactivated_account_is_not_invited_and_its_invitation_stops_working(client, changge_user, organisation):
    create_account(client, changge_user, organisation)
    reporter = User.objects.get(username="qiye07")
    services.reporter_deactivate(user=changge_user, reporter=reporter)
    assert "此链接已失效" in client.get(link_in(mail.outbox[0]), follow=True).content.decode()
    with pytest.raises(services.ValidationError):
        services.reporter_invite(user=changge_user, reporter=reporter, site_url=SITE)
