"""What the trail keeps: every create, update and delete of the registries, targets,
organisations, accounts and places, by whichever path; never logs or derived tables;
never a password."""
import json
from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, update_last_login

from livestream import services as livestream
from livestream.models import Platform
from livestream.tests.factories import AnchorFactory
from programs import services as programs
from programs.models import CountyTarget, Target
from programs.tests.factories import plan
from xuchang_ecom.accounts.models import User
from xuchang_ecom.accounts.tests.factories import region
from xuchang_ecom.audit import context, trail
from xuchang_ecom.audit.models import LogEntry
from xuchang_ecom.audit.trail import TrailEntryImmutable
from xuchang_ecom.common.permissions import REGISTRY_PERMISSIONS
from xuchang_ecom.regions import services as regions
from xuchang_ecom.regions.models import Level, Region

pytestmark = pytest.mark.django_db
CREATE, UPDATE, DELETE = LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE

# Kept besides the registries (models with the registries' permissions).
ALSO_KEPT = {"programs.Program", "programs.Target", "programs.CountyTarget", "accounts.Organisation", "accounts.User",
             "regions.Region"}
# Logs and tables derived from the registries: never in the trail.
NEVER_KEPT = {"programs.Snapshot", "programs.TargetChange", "programs.RollupDue", "programs.Briefing",
              "livestream.SessionMonth", "poverty.RevealLog", "reporting.Notification", "reporting.Reminder",
              "reporting.ReportEvent", "axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog",
              "auditlog.LogEntry", "admin.LogEntry"}


def entries(obj, action=None):
    found = LogEntry.objects.get_for_object(obj).order_by("timestamp", "pk")
    return list(found if action is None else found.filter(action=action))


def test_every_registry_and_the_plan_organisations_accounts_and_places_are_kept():
    registries = {model._meta.label for model in apps.get_models()
                  if tuple(model._meta.default_permissions) == REGISTRY_PERMISSIONS}
    kept = {model._meta.label for model in trail.kept_models()}
    assert registries | ALSO_KEPT == kept
    assert not kept & NEVER_KEPT


def test_no_tracked_relation_names_a_record_whose_name_is_personal_data():
    # Many-to-many changes are kept as the related records' str(): it must show no
    # personal data (a model whose str() does has ``describe``).
    for model in trail.kept_models():
        for name in trail.kept(model).m2m:
            related = model._meta.get_field(name).related_model
            rule = trail.kept(related)
            assert rule is None or rule.describe is None, f"{model} {name}"


def test_a_change_keeps_the_values_before_and_after_and_only_what_changed(city_user):
    cluster = livestream.cluster_create(user=city_user, name="示例集聚区", region=region("长葛市"),
                                        lead_industry="发制品")
    livestream.record_update(user=city_user, instance=cluster, data={"lead_industry": "蜂产品",
                                                                      "recognised_on": date(2021, 3, 1)})
    livestream.record_update(user=city_user, instance=cluster, data={"lead_industry": "蜂产品"})  # no change

    created, changed = entries(cluster)
    assert created.action == CREATE and created.changes["name"] == [None, "示例集聚区"]
    assert changed.action == UPDATE
    assert changed.changes == {"lead_industry": ["发制品", "蜂产品"], "recognised_on": [None, "2021-03-01"]}


def test_a_deletion_is_kept_with_the_values_it_had(city_user):
    cluster = livestream.cluster_create(user=city_user, name="示例集聚区", region=region("长葛市"),
                                        lead_industry="发制品")
    pk = cluster.pk
    livestream.record_delete(user=city_user, instance=cluster)

    [deleted] = LogEntry.objects.filter(object_id=pk, action=DELETE, content_type__model="cluster")
    assert deleted.changes["lead_industry"] == ["发制品", None]


def test_accounts_removed_with_a_queryset_delete_are_kept(city_user):
    platform = Platform.objects.create(name="示例平台")
    anchor = livestream.anchor_create(user=city_user, display_name="示例主播", region=region("长葛市"),
                                      accounts={platform: "shili001"})
    account = anchor.accounts.get()
    livestream.anchor_update(user=city_user, anchor=anchor, data={}, accounts={})

    assert [entry.action for entry in entries(account)] == [CREATE, DELETE]


def test_a_sessions_anchors_and_an_accounts_groups_are_kept(city_user):
    anchor = AnchorFactory(region=region("长葛市"))
    session = livestream.session_create(user=city_user, started_at="2021-05-01T20:00:00+08:00",
                                        platform=Platform.objects.create(name="示例平台"), region=region("长葛市"),
                                        kind="commercial", anchors=[anchor])
    [m2m] = [entry for entry in entries(session) if "anchors" in entry.changes]
    assert m2m.changes["anchors"] == {"type": "m2m", "operation": "add", "objects": [anchor.display_name]}

    city_user.groups.remove(Group.objects.get(name="city_staff"))
    assert entries(city_user)[-1].changes["groups"]["operation"] == "delete"


def test_no_password_or_last_login_is_kept(city_user):
    city_user.set_password("another-password-2")
    city_user.save()
    update_last_login(None, city_user)  # what a log-in does

    for entry in entries(city_user):
        assert "password" not in entry.changes and "last_login" not in entry.changes
    # Nothing else changed: the only update is the group membership given at creation.
    assert [list(entry.changes) for entry in entries(city_user, UPDATE)] == [["groups"]]
    assert "another-password-2" not in str(list(LogEntry.objects.values()))
    assert User.objects.get(pk=city_user.pk).check_password("another-password-2")


def test_the_county_parts_of_a_target_written_in_bulk_are_kept(city_user):
    target = Target.objects.filter(value__isnull=False).first() or plan().targets.filter(value__isnull=False).first()
    counties = list(Region.objects.counties()[:2])
    half = target.value / 2

    programs.target_split_set(target=target, parts={counties[0]: half, counties[1]: target.value - half})
    first = list(CountyTarget.objects.filter(target=target))
    programs.target_split_set(target=target, parts={})

    for part in first:
        created, deleted = entries(part)
        assert (created.action, deleted.action) == (CREATE, DELETE)
        assert created.changes["value"] == [None, str(part.value)]
        assert created.changes["county"] == [None, part.county_id]


def test_renaming_a_place_keeps_the_new_path_of_every_place_under_it(city_user):
    township = Region.objects.get(path="许昌市/长葛市/佛耳湖镇/")
    villages = list(township.children.all())

    regions.region_rename(region=township, name="佛耳湖乡")

    assert entries(township, UPDATE)[-1].changes["name"] == ["佛耳湖镇", "佛耳湖乡"]
    for village in villages:
        [moved] = entries(village, UPDATE)
        assert moved.changes == {"path": [village.path, village.path.replace("佛耳湖镇", "佛耳湖乡")]}


def test_an_entry_cannot_be_changed(city_user):
    entry = LogEntry.objects.get_for_object(city_user).first()
    entry.object_repr = "changed"
    with pytest.raises(TrailEntryImmutable):
        entry.save()


def test_a_command_and_a_task_say_so(city_user):
    with context.command_context(["manage.py", "load_demo"]):
        platform = livestream.platform_create(name="示例平台")
    [created] = entries(platform)
    assert created.actor is None
    assert created.additional_data["via"] == "command" and created.additional_data["command"] == "load_demo"
    assert created.additional_data["os_user"]

    task = mock.Mock()
    task.name = "programs.rollup_daily"
    context.task_started(task_id="t1", task=task)
    try:
        livestream.platform_update(platform=platform, data={"is_active": False})
    finally:
        context.task_finished(task_id="t1")
    assert entries(platform)[-1].additional_data == {"via": "task", "task": "programs.rollup_daily"}
    assert context.current() == {}


def test_an_account_created_on_a_web_page_is_kept_with_its_author(client, city_user, changge_user):
    from poverty.tests.factories import enterprise

    organisation = enterprise(city_user).organisation
    client.force_login(changge_user)
    response = client.post("/reports/accounts/new/", {"username": "reporter_new", "email": "li.si@example.org",
                                                      "first_name": "李四", "organisation": organisation.pk})
    assert response.status_code == 302
    new = User.objects.get(username="reporter_new")
    created = entries(new, CREATE)[0]
    assert created.actor == changge_user and created.additional_data["via"] == "web"
    assert created.changes["first_name"] == [None, "李*"]
    assert created.changes["email"] == [None, "l****@example.org"]


def test_nothing_is_kept_of_a_model_outside_the_trail(city_user):
    from programs.models import Snapshot

    plan()
    programs.rollup_run(as_of=date(2021, 1, 1))
    assert Snapshot.objects.exists()
    assert not LogEntry.objects.filter(content_type__model="snapshot").exists()


def test_a_region_created_on_the_way_is_kept():
    region_count = LogEntry.objects.filter(content_type__model="region").count()
    regions.region_create(name="示例村", level=Level.VILLAGE, parent=Region.objects.get(path="许昌市/长葛市/佛耳湖镇/"))
    assert LogEntry.objects.filter(content_type__model="region").count() > region_count


def test_decimal_values_are_kept_as_text(city_user):
    target = plan().targets.filter(value__isnull=False).first()
    programs.target_update(user=city_user, target=target, data={"value": target.value + Decimal(1)},
                           reason="调整")
    assert entries(target, UPDATE)[-1].changes["value"] == [str(target.value - 1), str(target.value)]


def test_entries_built_from_values_are_masked_like_the_others():
    from livestream.models import Anchor
    from xuchang_ecom.audit.bulk import CreatedRows

    fields = Anchor._meta.concrete_fields
    values = {"display_name": "示例主播", "real_name": "诸葛孔明", "mobile": "13812345678", "region_id": 1}
    row = [values.get(field.attname) for field in fields]
    rows = CreatedRows(Anchor, positions={field.attname: n for n, field in enumerate(fields)},
                       describe=lambda row: row[1])

    changes = json.loads(rows.changes_json(row))

    assert changes["real_name"] == [None, "诸***"] and changes["mobile"] == [None, "138****5678"]
    assert "诸葛孔明" not in "".join(rows.prepare([row], [()], [2]))
