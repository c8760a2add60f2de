"""The roll-up task is bounded and retried, as a background job must be."""
from django.db import DatabaseError

from programs import tasks


def test_the_roll_up_tasks_have_time_limits_and_retry_database_errors_with_backoff():
    for task in (tasks.rollup, tasks.rollup_daily):
        assert task.soft_time_limit and task.time_limit > task.soft_time_limit
        assert DatabaseError in task.autoretry_for
        assert task.retry_backoff and task.max_retries
