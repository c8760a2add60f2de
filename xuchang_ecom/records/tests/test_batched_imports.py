"""Imports write their new records in batches (``records.services.bulk_writes``) and look
existing records up a batch at a time: what staff see must be what they saw when every
row was written alone — each bad row named, nothing half written, every write in the
trail under its own row."""
from datetime import date

import pytest

from livestream.models import Anchor, Base, Cluster, Training
from livestream.resources import AnchorResource, BaseResource, TrainingResource
from livestream.tests.factories import PlatformFactory
from tests.helpers import problems, run
from xuchang_ecom.accounts.tests.factories import region
from xuchang_ecom.audit.models import LogEntry
from xuchang_ecom.records.importexport.resources import BatchInstanceLoader, Resource
from xuchang_ecom.records.tests.test_import_jobs import LIVESTREAM, cluster, clusters_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of two rows, so that a file of a few rows spans several."""
    monkeypatch.setattr(Resource, "WRITE_BATCH", 2)
    monkeypatch.setattr(BatchInstanceLoader, "BATCH", 2)


def test_a_row_the_database_refuses_when_its_batch_is_written_is_named_and_nothing_is_written(
        client, city_user, small_batches):
    client.force_login(city_user)
    rows = [cluster(1), cluster(2), cluster(3, recognised_on="", revoked_on="2021-06-01"), cluster(4), cluster(5)]

    job = LIVESTREAM.preview(client, "cluster", clusters_csv(rows)).context["job"]

    assert problems(job) == {4: {"撤销日期": ["只有已认定的集聚区才能撤销。"]}}
    assert (job.rows_new, job.rows_bad, job.confirmable) == (4, 1, False)
    assert not Cluster.objects.exists()


def test_two_new_rows_with_the_same_key_are_an_error_on_the_second_naming_the_first(client, city_user):
    client.force_login(city_user)

    job = LIVESTREAM.preview(client, "cluster", clusters_csv([cluster(1), cluster(2), cluster(1)])).context["job"]

    assert list(problems(job)) == [4]
    (message,) = [message for messages in problems(job)[4].values() for message in messages]
    assert "2" in message and "名称" in message
    assert not job.confirmable


def test_existing_records_are_found_and_new_ones_written_across_batches(client, city_user, small_batches):
    for i in (2, 5):
        Cluster.objects.create(name=cluster(i)["name"], region=region("长葛市"), lead_industry="蜂产品")
    client.force_login(city_user)
    rows = [cluster(i, lead_industry="发制品" if i in (2, 5) else "蜂产品") for i in range(1, 8)]

    job = LIVESTREAM.import_file(client, "cluster", clusters_csv(rows))

    assert (job.rows_new, job.rows_changed, job.rows_written) == (5, 2, 7)
    assert Cluster.objects.count() == 7
    assert set(Cluster.objects.filter(lead_industry="发制品").values_list("name", flat=True)) == {
        cluster(2)["name"], cluster(5)["name"]}


def test_each_record_written_in_a_batch_is_in_the_trail_under_its_user_file_and_row(client, city_user, small_batches):
    client.force_login(city_user)

    LIVESTREAM.import_file(client, "cluster", clusters_csv([cluster(1), cluster(2), cluster(3)]), name="集聚区.csv")

    entries = LogEntry.objects.filter(content_type__model="cluster", action=LogEntry.Action.CREATE)
    by_name = {entry.changes["name"][1]: entry for entry in entries}
    assert sorted(by_name) == [cluster(i)["name"] for i in (1, 2, 3)]
    for i, row in ((1, 2), (2, 3), (3, 4)):
        entry = by_name[cluster(i)["name"]]
        assert entry.actor == city_user
        assert (entry.additional_data["via"], entry.additional_data["file"], entry.additional_data["row"]) == (
            "import", "集聚区.csv", row)
        assert entry.object_id == Cluster.objects.get(name=cluster(i)["name"]).pk


@pytest.fixture
def small_chunks(monkeypatch, small_batches):
    """A file read three rows at a time."""
    monkeypatch.setattr(Resource, "CHUNK_ROWS", 3)


def test_a_file_read_in_chunks_reports_a_bad_row_of_a_later_chunk_by_its_row_and_writes_nothing(
        client, city_user, small_chunks):
    client.force_login(city_user)
    rows = [cluster(i) for i in range(1, 8)]
    rows[5]["region"] = "火星市"

    job = LIVESTREAM.preview(client, "cluster", clusters_csv(rows)).context["job"]

    assert list(problems(job)) == [7]
    assert (job.rows_total, job.rows_new, job.rows_bad) == (7, 6, 1)
    assert not Cluster.objects.exists()


def test_a_file_read_in_chunks_is_imported_whole_and_a_key_repeated_in_a_later_chunk_is_caught(
        client, city_user, small_chunks):
    client.force_login(city_user)

    job = LIVESTREAM.import_file(client, "cluster", clusters_csv([cluster(i) for i in range(1, 8)]))
    assert (job.rows_written, Cluster.objects.count()) == (7, 7)

    again = LIVESTREAM.preview(client, "cluster", clusters_csv(
        [cluster(i) for i in range(8, 12)] + [cluster(9)])).context["job"]
    assert list(problems(again)) == [6]


def test_records_written_in_a_batch_get_their_many_to_many_links_and_the_trail_lists_them(city_user, small_batches):
    PlatformFactory(name="淘宝直播")
    PlatformFactory(name="抖音")
    rows = [{"name": f"示例基地{i}", "region": "长葛市", "kind": "综合", "platforms": platforms}
            for i, platforms in enumerate(["抖音、淘宝直播", "抖音", "淘宝直播"])]

    result = run(BaseResource, city_user, rows, dry_run=False)

    assert not result.invalid_rows, result.messages()
    assert {base.name: sorted(base.platforms.values_list("name", flat=True)) for base in Base.objects.all()} == {
        "示例基地0": ["抖音", "淘宝直播"], "示例基地1": ["抖音"], "示例基地2": ["淘宝直播"]}
    entry = LogEntry.objects.get(content_type__model="base", content_type__app_label="livestream",
                                 object_id=Base.objects.get(name="示例基地1").pk)
    assert entry.changes["platforms"] == {"type": "m2m", "operation": "add", "objects": ["抖音"]}


def test_a_row_whose_key_columns_match_two_records_is_an_error_asking_to_tell_them_apart(city_user):
    for _ in range(2):
        Training.objects.create(held_on=date(2020, 6, 30), title="发制品直播培训", organiser="许昌市商务局",
                                region=region("长葛市"))

    result = run(TrainingResource, city_user, [{"held_on": "2020-06-30", "title": "发制品直播培训",
                                                "organiser": "许昌市商务局", "region": "长葛市", "trainees": "40"}])

    (invalid,) = result.invalid_rows
    assert (invalid.number, invalid.error_dict) == (
        2, {"__all__": ["找到多个关键列与本行相同的直播电商培训，请先在名录中加以区分。"]})
    assert Training.objects.count() == 2


def test_new_anchors_written_in_a_batch_get_their_accounts_and_an_account_taken_twice_is_named_on_its_row(
        city_user, small_batches):
    PlatformFactory(name="抖音")
    PlatformFactory(name="快手")
    rows = [{"display_name": "主播甲", "region": "长葛市", "accounts": "抖音：dy-001、快手：ks-001"},
            {"display_name": "主播乙", "region": "长葛市", "accounts": "抖音：dy-002"},
            {"display_name": "主播丙", "region": "长葛市", "accounts": "抖音：dy-001"}]

    refused = run(AnchorResource, city_user, rows, dry_run=False)

    assert [invalid.number for invalid in refused.invalid_rows] == [4]
    assert not Anchor.objects.exists()

    result = run(AnchorResource, city_user, rows[:2], dry_run=False)

    assert not result.invalid_rows, result.messages()
    assert {anchor.display_name: sorted(f"{link.platform.name}:{link.account}" for link in anchor.accounts.all())
            for anchor in Anchor.objects.all()} == {"主播甲": ["快手:ks-001", "抖音:dy-001"], "主播乙": ["抖音:dy-002"]}
