"""A Celery worker killed with SIGKILL in the middle of a roll-up: nothing half-written,
and the roll-up completes once a worker is back."""
import re
import signal
import time
from collections import Counter

import pytest

from .stack import figures

ENQUEUE = "from programs.tasks import rollup_daily; rollup_daily.delay()"


def test_a_worker_killed_mid_roll_up_leaves_no_date_half_written_and_the_roll_up_completes(stack):
    dates = int(stack.sql("SELECT count(DISTINCT as_of) FROM programs_snapshot"))
    assert dates > 100
    enqueued = stack.sql("SELECT now()")
    stack.manage("shell", "--no-imports", "-c", ENQUEUE)

    def done_dates() -> int:
        return int(stack.sql(f"SELECT count(DISTINCT as_of) FROM programs_snapshot WHERE computed_at > '{enqueued}'"))

    deadline = time.monotonic() + 60
    while done_dates() == 0:
        if time.monotonic() > deadline:
            pytest.fail("the roll-up did not start")
        time.sleep(0.05)
    stack.processes.stop(stack.processes.worker, signal.SIGKILL)
    killed_after = done_dates()
    assert 0 < killed_after < dates, f"{killed_after} of {dates} dates done at the kill"
    # Each date is one transaction: all of its snapshots are new, or none is.
    assert stack.sql(f"SELECT count(*) FROM (SELECT as_of FROM programs_snapshot GROUP BY as_of "
                     f"HAVING count(DISTINCT computed_at > '{enqueued}') > 1) torn") == "0"

    killed_at, log_offset = time.monotonic(), len(stack.processes.log("worker"))
    stack.processes.start_worker()
    deadline = time.monotonic() + 300
    while done_dates() < dates:
        if time.monotonic() > deadline:
            pytest.fail(f"the roll-up did not complete after the restart ({done_dates()} of {dates})")
        time.sleep(1)
    assert stack.sql("SELECT count(*) FROM (SELECT target_id, region_id, as_of FROM programs_snapshot "
                     "GROUP BY 1, 2, 3 HAVING count(*) > 1) twice") == "0"
    assert "match a fresh computation" in stack.manage("rollup", "--check")
    # What the restarted worker ran, in order, for the figures: the time to complete
    # depends on the queue it finds, not only on the roll-up.
    ran = re.findall(r"Task ([\w.]+)\[[\w-]+\] received", stack.processes.log("worker")[log_offset:])
    figures(worker_dates=dates, worker_dates_done_at_kill=killed_after,
            worker_completed_after_restart_s=round(time.monotonic() - killed_at),
            worker_tasks_after_restart=", ".join(f"{name} x{count}" for name, count in Counter(ran).items()))
