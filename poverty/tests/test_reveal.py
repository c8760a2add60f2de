"""A full resident ID number is shown only to those allowed, and every reveal is logged."""
import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.http import Http404

from poverty import services
from poverty.models import RevealLog
from poverty.tests.factories import household, yuzhou_village
from xuchang_ecom.accounts.models import User

pytestmark = pytest.mark.django_db


def _with_reveal_permission(user) -> User:
    user.user_permissions.add(Permission.objects.get(codename="reveal_resident_id"))
    return User.objects.get(pk=user.pk)  # a fresh object: permissions are cached per instance


def test_a_reveal_returns_the_full_number_and_leaves_an_audit_entry(city_user):
    created = household(city_user)
    assert services.household_reveal_id(user=city_user, household=created) == created.resident_id
    (entry,) = RevealLog.objects.all()
    assert (entry.user, entry.household) == (city_user, created)


def test_revealing_a_number_needs_the_permission(city_user, changge_user):
    created = household(city_user)
    with pytest.raises(PermissionDenied):
        services.household_reveal_id(user=changge_user, household=created)
    assert not RevealLog.objects.exists()


def test_the_permission_does_not_reach_outside_the_users_area(city_user, changge_user):
    theirs = household(city_user, village=yuzhou_village())
    with pytest.raises(Http404):
        services.household_reveal_id(user=_with_reveal_permission(changge_user), household=theirs)
    assert not RevealLog.objects.exists()


def test_nobody_is_given_a_way_to_change_or_delete_a_reveal_entry():
    codenames = set(Permission.objects.filter(content_type__model="reveallog").values_list("codename", flat=True))
    assert codenames == {"view_reveallog"}


def test_a_revealed_household_keeps_its_audit_trail(city_user):
    from django.db.models import ProtectedError

    created = household(city_user)
    services.household_reveal_id(user=city_user, household=created)
    with pytest.raises(ProtectedError):
        services.record_delete(user=city_user, instance=created)
