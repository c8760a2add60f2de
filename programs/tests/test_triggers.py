"""A registry write asks for a roll-up after commit: once per burst, and never fails the write."""
import logging
import time
from datetime import date
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import transaction
from kombu.exceptions import OperationalError

from livestream import services as livestream
from livestream.models import Brand
from programs import triggers
from programs.models import Snapshot
from xuchang_ecom.accounts.tests.factories import region
from xuchang_ecom.celery import app as celery_app

from .factories import plan

pytestmark = pytest.mark.django_db


# These tests commit for real: a burst is many transactions, as in production.
committing = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def with_broker(settings, monkeypatch):
    """Tasks go to a broker (as in production) instead of running in-process."""
    cache.delete(triggers.PENDING_KEY)
    monkeypatch.setattr(triggers, "_broker_down_until", 0.0)
    celery_app.conf.task_always_eager = False
    settings.ROLLUP_DEBOUNCE_SECONDS = 30
    yield
    celery_app.conf.task_always_eager = True
    cache.delete(triggers.PENDING_KEY)


def add_brand(user, n, **kwargs):
    return livestream.brand_create(user=user, name=f"示例品牌{n:04d}", region=region("长葛市"),
                                   incubated_on=date(2021, 3, 1), **kwargs)


def test_a_registry_write_recomputes_todays_snapshots_after_commit(city_user, django_capture_on_commit_callbacks):
    program = plan()
    with django_capture_on_commit_callbacks(execute=True):
        add_brand(city_user, 1)
    snapshot = Snapshot.objects.city().get(target__program=program, target__metric_key="livestream.brands_incubated")
    assert snapshot.value == 1


def test_a_write_outside_the_registries_asks_for_no_roll_up(city_user, django_capture_on_commit_callbacks):
    from xuchang_ecom.accounts.services import organisation_create

    with django_capture_on_commit_callbacks() as callbacks:
        organisation_create(name="示例企业（非登记册）", region=region("长葛市"))
    assert triggers._enqueue not in callbacks


def test_a_migrations_write_to_a_registry_asks_for_no_roll_up(django_capture_on_commit_callbacks):
    """A data migration writes through historical models, perhaps before the tables a roll-up
    reads exist: a fresh ``migrate`` printed the roll-up's failure."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    state = MigrationExecutor(connection).loader.project_state()
    HistoricalBrand = state.apps.get_model("livestream", "Brand")
    assert HistoricalBrand is not Brand

    with django_capture_on_commit_callbacks() as callbacks:
        HistoricalBrand.objects.create(name="示例品牌（迁移）", region_id=region("长葛市").pk,
                                       incubated_on=date(2021, 3, 1))
    assert triggers._enqueue not in callbacks


def test_each_registry_registers_itself_as_a_source_of_roll_ups():
    from xuchang_ecom.common.metrics import source_labels

    assert source_labels() == {"villages", "livestream", "poverty"}


def test_a_transaction_of_a_thousand_writes_asks_for_one_roll_up(city_user, django_capture_on_commit_callbacks):
    from xuchang_ecom.common.publiccache import _bump

    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for n in range(1000):
            add_brand(city_user, n)
    # One roll-up and one new version of the public figures.
    assert callbacks.count(triggers._enqueue) == 1 and callbacks.count(_bump) == 1
    assert len(callbacks) == 2


@committing
def test_a_burst_of_a_thousand_commits_enqueues_one_roll_up(city_user, with_broker):
    with mock.patch("programs.tasks.rollup.apply_async") as apply_async:
        for n in range(1000):
            add_brand(city_user, n)
    assert Brand.objects.count() == 1000
    apply_async.assert_called_once_with(countdown=30, retry=False)


@committing
def test_the_next_write_after_the_window_enqueues_again(city_user, with_broker):
    with mock.patch("programs.tasks.rollup.apply_async") as apply_async:
        add_brand(city_user, 1)
        cache.delete(triggers.PENDING_KEY)  # the window closes
        add_brand(city_user, 2)
    assert apply_async.call_count == 2


@committing
def test_a_write_succeeds_when_the_broker_is_unreachable_and_the_failure_is_logged(city_user, with_broker, caplog):
    refused = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with caplog.at_level(logging.ERROR, logger="programs.triggers"), \
            mock.patch("programs.tasks.rollup.apply_async", side_effect=refused) as apply_async:
        brand = add_brand(city_user, 1)
        cache.delete(triggers.PENDING_KEY)
        # While it is down, later writes do not try again (each try costs time).
        add_brand(city_user, 2)
    assert Brand.objects.filter(pk=brand.pk).exists()
    assert Brand.objects.count() == 2
    assert caplog.text.count("Could not enqueue the roll-up") == 1
    assert apply_async.call_count == 1


@committing
def test_a_roll_up_the_broker_refused_is_caught_up_by_the_next_catch_up_run(city_user, with_broker):
    from programs import tasks
    from programs.models import RollupDue

    plan()
    refused = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with mock.patch("programs.tasks.rollup.apply_async", side_effect=refused):
        add_brand(city_user, 1)
    assert RollupDue.objects.count() == 1
    assert not Snapshot.objects.exists()

    assert tasks.rollup_catch_up.apply().get() > 0
    assert Snapshot.objects.city().get(target__metric_key="livestream.brands_incubated").value == 1
    assert not RollupDue.objects.exists()
    assert tasks.rollup_catch_up.apply().get() == 0  # nothing due, nothing done


def test_rolled_back_writes_ask_for_nothing(city_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        add_brand(city_user, 1)
        raise RuntimeError
    assert callbacks == []


@committing
def test_a_real_worker_consumes_the_roll_up_from_redis_and_the_snapshot_changes(city_user, redis_url, settings):
    """End to end, as deployed: the write enqueues through Redis, a worker runs it."""
    from celery.contrib.testing.worker import start_worker

    program = plan()
    settings.ROLLUP_DEBOUNCE_SECONDS = 1
    cache.delete(triggers.PENDING_KEY)
    celery_app.conf.update(task_always_eager=False, broker_url=redis_url)
    try:
        with start_worker(celery_app, perform_ping_check=False, pool="solo", shutdown_timeout=30):
            add_brand(city_user, 1)
            snapshot = None
            for _ in range(300):  # up to 30 s for the 1 s countdown and the run
                snapshot = Snapshot.objects.city().filter(
                    target__program=program, target__metric_key="livestream.brands_incubated").first()
                if snapshot is not None:
                    break
                time.sleep(0.1)
    finally:
        celery_app.conf.task_always_eager = True
    assert snapshot is not None and snapshot.value == 1
