"""Superusers keep accounts in the admin: the role decides the groups and whether the
account may use the admin, and county staff and reporters must be bound."""
import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from xuchang_ecom.accounts.models import Role, User
from xuchang_ecom.accounts.tests import factories
from xuchang_ecom.accounts.tests.factories import OrganisationFactory, city_staff, region
from xuchang_ecom.audit.models import LogEntry

pytestmark = pytest.mark.django_db

NO_COUNTY = "县（市、区）工作人员必须绑定一个县级行政区划。"
NO_ORGANISATION = "企业填报员必须绑定一个单位。"


@pytest.fixture
def superuser(client):
    root = User.objects.create_superuser("root", "root@example.org", "root-password-1")
    client.force_login(root)
    return root


def add(client, **fields):
    data = {"username": "new_staff", "usable_password": "false", "password1": "", "password2": "", "role": "",
            "region": "", "organisation": "", **fields}
    return client.post(reverse("admin:accounts_user_add"), data)


def change_form(user, **fields) -> dict:
    data = {"username": user.username, "first_name": user.first_name, "last_name": user.last_name,
            "email": user.email, "role": user.role, "region": user.region_id or "",
            "organisation": user.organisation_id or ""}
    if user.is_active:
        data["is_active"] = "on"
    if user.is_superuser:
        data["is_superuser"] = "on"
    data.update(fields)
    return data


def change(client, user, **fields):
    return client.post(reverse("admin:accounts_user_change", args=[user.pk]), change_form(user, **fields))


def groups_of(user) -> list[str]:
    return list(user.groups.values_list("name", flat=True))


def test_a_county_staffer_added_by_a_superuser_is_in_the_county_group_and_may_use_the_admin(client, superuser):
    response = add(client, role=Role.COUNTY_STAFF, region=region("长葛市").pk)
    assert response.status_code == 302, response.context["adminform"].form.errors
    added = User.objects.get(username="new_staff")
    assert (groups_of(added), added.is_staff, added.region) == (["county_staff"], True, region("长葛市"))
    assert not added.has_usable_password()


def test_a_county_staffer_added_without_a_county_is_refused_beside_the_field(client, superuser):
    response = add(client, role=Role.COUNTY_STAFF, region=region("长葛市/佛耳湖镇").pk)
    assert response.status_code == 200
    assert NO_COUNTY in response.content.decode()
    assert not User.objects.filter(username="new_staff").exists()


def test_a_city_staffer_changed_to_a_reporter_leaves_the_staff_group_and_the_admin(client, superuser):
    staffer = city_staff("city_li")
    organisation = OrganisationFactory()
    response = change(client, staffer, role=Role.REPORTER, organisation=organisation.pk)
    assert response.status_code == 302, response.context["adminform"].form.errors
    staffer.refresh_from_db()
    assert (groups_of(staffer), staffer.is_staff, staffer.organisation) == (["reporter"], False, organisation)


def test_a_reporter_changed_to_county_staff_without_a_county_is_refused_and_stays_a_reporter(client, superuser):
    reporter = factories.reporter("reporter_zhou")
    response = change(client, reporter, role=Role.COUNTY_STAFF)
    assert response.status_code == 200
    assert NO_COUNTY in response.content.decode()
    reporter.refresh_from_db()
    assert reporter.role == Role.REPORTER


def test_a_reporter_cannot_be_left_without_an_organisation(client, superuser):
    staffer = city_staff("city_wang")
    response = change(client, staffer, role=Role.REPORTER)
    assert response.status_code == 200 and NO_ORGANISATION in response.content.decode()
    staffer.refresh_from_db()
    assert (staffer.role, groups_of(staffer)) == (Role.CITY_STAFF, ["city_staff"])


def test_the_account_page_offers_no_groups_permissions_or_staff_status_and_saving_drops_stray_permissions(
        client, superuser):
    staffer = city_staff("city_zhao")
    staffer.user_permissions.add(Permission.objects.get(codename="delete_organisation"))
    form = client.get(reverse("admin:accounts_user_change", args=[staffer.pk])).context["adminform"].form
    assert not {"groups", "user_permissions", "is_staff"} & set(form.fields)
    assert change(client, staffer, first_name="赵").status_code == 302
    staffer = User.objects.get(pk=staffer.pk)
    assert not staffer.has_perm("accounts.delete_organisation") and staffer.has_perm("accounts.add_organisation")


def test_a_superuser_saving_their_own_account_keeps_the_admin(client, superuser):
    assert change(client, superuser, first_name="管理员").status_code == 302
    superuser.refresh_from_db()
    assert superuser.is_staff and superuser.first_name == "管理员"
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_name_changed_in_the_admin_is_the_only_change_the_trail_keeps(client, superuser):
    staffer = city_staff("city_sun")
    before = LogEntry.objects.get_for_object(staffer).count()
    assert change(client, staffer, first_name="孙").status_code == 302
    entries = list(LogEntry.objects.get_for_object(staffer).order_by("pk"))[before:]
    assert [list(entry.changes) for entry in entries] == [["first_name"]]
