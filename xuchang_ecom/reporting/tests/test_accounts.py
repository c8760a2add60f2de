"""Staff create reporter accounts for organisations of their area, and nowhere else."""
import pytest
from django.core import mail
from django.urls import reverse

from xuchang_ecom.accounts.models import Role, User

from .factories import enterprise_reporter

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisations(city_user):
    return {county: enterprise_reporter(city_user, f"first_{n}", county=county).organisation
            for n, county in enumerate(["长葛市", "禹州市"])}


def create(client, organisation, username="new_reporter"):
    return client.post(reverse("reporting:accounts-new"),
                       {"organisation": organisation.pk, "username": username, "first_name": "张三",
                        "email": "zhang@example.org"})


def test_county_staff_create_a_reporter_for_their_countys_organisation_who_gets_an_invitation_link(
        client, changge_user, organisations):
    client.force_login(changge_user)
    response = create(client, organisations["长葛市"])
    assert response.status_code == 302
    reporter = User.objects.get(username="new_reporter")
    assert (reporter.role, reporter.organisation, reporter.is_staff) == (Role.REPORTER, organisations["长葛市"], False)
    assert mail.outbox[0].to == ["zhang@example.org"] and "/accounts/invitation/" in mail.outbox[0].body


def test_county_staff_cannot_create_one_for_another_countys_organisation(client, changge_user, organisations):
    client.force_login(changge_user)
    response = create(client, organisations["禹州市"])
    assert response.status_code == 200
    assert not User.objects.filter(username="new_reporter").exists()
    assert "选择一个有效的选项" in response.content.decode()


def test_a_taken_username_is_refused_beside_the_field(client, city_user, organisations):
    client.force_login(city_user)
    response = create(client, organisations["长葛市"], username="FIRST_0")
    assert "该用户名已被占用。" in response.content.decode()


def test_reporters_cannot_create_accounts(client, organisations):
    client.force_login(User.objects.get(username="first_0"))
    assert client.get(reverse("reporting:accounts-new")).status_code == 404
