"""CI runs against the real PostgreSQL and Redis; these fail there when either is missing."""
import pytest


@pytest.mark.postgres
def test_the_suite_runs_on_postgresql_when_asked(require_postgres):
    with require_postgres.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert "PostgreSQL" in cursor.fetchone()[0]


@pytest.mark.redis
def test_the_broker_accepts_a_task_message(redis_url):
    from kombu import Connection

    with Connection(redis_url, connect_timeout=2) as conn:
        queue = conn.SimpleQueue("xuchang-ecom-selftest")
        queue.put({"ping": 1})
        assert queue.get(timeout=2).payload == {"ping": 1}
        queue.clear()
        queue.close()


@pytest.mark.postgres
def test_region_prefix_queries_use_the_path_index(require_postgres, db):
    from xuchang_ecom.regions.models import Region

    county = Region.objects.get(name="长葛市")
    with require_postgres.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = Region.objects.at_or_under(county).explain()
    assert "regions_path_prefix" in plan
