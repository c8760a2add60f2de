"""City staff keep programs and targets in the admin: changes need a reason, splits must
add up, and the public dashboard shows what they publish at once."""
from datetime import date

import pytest
from django.urls import reverse

from programs import services
from programs.models import CountyTarget, TargetChange
from xuchang_ecom.accounts.tests.factories import region

from .factories import plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def target():
    return plan().targets.get(metric_key="livestream.anchors_cultivated")


def change_form(target, **fields):
    data = {
        "value": "1000", "unit": "人", "baseline_value": "0", "baseline_on": "2020-06-01",
        "deadline": "2022-12-31", "position": "3", "reason": "",
        "splits-TOTAL_FORMS": "0", "splits-INITIAL_FORMS": "0", "splits-MIN_NUM_FORMS": "0",
        "splits-MAX_NUM_FORMS": "1000",
    }
    data.update(fields)
    return data


def test_a_new_target_value_without_a_reason_comes_back_with_the_error_beside_it(client, city_user, target):
    client.force_login(city_user)
    url = reverse("admin:programs_target_change", args=[target.pk])
    response = client.post(url, change_form(target, value="1200"))
    assert response.status_code == 200
    assert "请说明修改目标值或截止日期的原因。" in response.content.decode()
    target.refresh_from_db()
    assert target.value == 1000


def test_a_new_target_value_with_a_reason_is_saved_and_recorded(client, city_user, target):
    client.force_login(city_user)
    url = reverse("admin:programs_target_change", args=[target.pk])
    response = client.post(url, change_form(target, value="1200", reason="市政府调整目标"))
    assert response.status_code == 302
    change = TargetChange.objects.get(target=target)
    assert (change.field, change.new_value, change.changed_by) == ("value", "1200", city_user)


def test_county_parts_that_do_not_add_up_are_refused_in_the_form(client, city_user, target):
    client.force_login(city_user)
    url = reverse("admin:programs_target_change", args=[target.pk])
    parts = {
        "splits-TOTAL_FORMS": "2",
        "splits-0-county": str(region("长葛市").pk), "splits-0-value": "600", "splits-0-baseline_value": "0",
        "splits-1-county": str(region("禹州市").pk), "splits-1-value": "300", "splits-1-baseline_value": "0",
    }
    response = client.post(url, change_form(target, **parts))
    assert response.status_code == 200
    assert "各县（市、区）分解目标合计 900，但全市目标为 1000。" in response.content.decode()
    assert not CountyTarget.objects.exists()
    parts["splits-1-value"] = "400"
    assert client.post(url, change_form(target, **parts)).status_code == 302
    assert CountyTarget.objects.filter(target=target).count() == 2


def test_county_staff_may_read_targets_but_not_change_them(client, changge_user, target):
    client.force_login(changge_user)
    url = reverse("admin:programs_target_change", args=[target.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, change_form(target, value="1", reason="x")).status_code == 403


# Commits for real: the dashboard learns of the change when the admin's transaction commits.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("fresh_cache")
def test_a_program_withdrawn_in_the_admin_leaves_the_public_dashboard_at_once(client, city_user):
    program = plan()
    services.rollup_run(as_of=date(2021, 6, 30))
    assert "培育带货达人" in client.get("/").content.decode()
    client.force_login(city_user)
    response = client.post(reverse("admin:programs_program_change", args=[program.pk]), {
        "name": program.name, "issuer": program.issuer, "document_reference": "",
        "starts_on": "2020-06-01", "ends_on": "2022-12-31"})  # "published" unticked
    assert response.status_code == 302
    client.logout()
    assert "培育带货达人" not in client.get("/").content.decode()



def test_a_target_without_figures_yet_is_deleted_with_the_delete_selected_action(client, city_user, target):
    client.force_login(city_user)
    response = client.post(reverse("admin:programs_target_changelist"), {
        "action": "delete_selected", "_selected_action": [target.pk], "post": "yes"})
    assert response.status_code == 302
    assert not target.program.targets.filter(metric_key="livestream.anchors_cultivated").exists()


# Commits for real: the dashboard learns of the deletion when the transaction commits. (In
# the admin, a target with snapshots is not city staff's to delete: snapshots are read only.)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("fresh_cache")
def test_a_deleted_target_leaves_the_public_dashboard_at_once(client):
    target = plan().targets.get(metric_key="livestream.anchors_cultivated")
    services.rollup_run(as_of=date(2021, 6, 30))
    assert "培育带货达人" in client.get("/").content.decode()
    services.target_delete(target=target)
    assert "培育带货达人" not in client.get("/").content.decode()
