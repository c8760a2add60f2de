"""Faults on the real stack: Redis killed and back, PostgreSQL restarted. The requests made
meanwhile are timed and counted; afterwards the data is checked against a recomputation."""
import re
import threading
import time

import pytest

from .stack import figures

FIGURES = {"sales": "1200", "orders": "12", "sessions_held": "3", "anchors_trained": "1", "brands_incubated": "0"}


def submit_report(stack, username: str) -> tuple[int, float]:
    """Log in as ``username`` and submit this month's report; (final status, slowest request s)."""
    client = stack.client(username=username, timeout=5)
    slowest = 0.0

    def timed(call, *args):
        nonlocal slowest
        started = time.monotonic()
        result = call(*args)
        slowest = max(slowest, time.monotonic() - started)
        return result

    period = stack.sql("SELECT id FROM reporting_period ORDER BY month DESC LIMIT 1")
    status, _body, response = timed(client.post, f"/reports/periods/{period}/start/", {})
    assert status == 302, f"start answered {status}"
    edit = response.getheader("Location")
    status, body, _response = timed(client.get, edit)
    version = re.search(rb'name="version" value="(\d+)"', body).group(1).decode()
    status, _body, _response = timed(client.post, edit, {"version": version, "action": "submit", **FIGURES})
    return status, slowest


def wait_until(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(1)
    pytest.fail(f"{what} did not happen within {timeout:.0f} s")


def test_with_redis_down_pages_answer_reports_are_saved_in_time_and_roll_ups_catch_up(stack):
    anonymous = stack.client()
    assert anonymous.get("/")[0] == 200
    city = stack.client(username="city_hard")

    stack.redis.kill()
    down_at = time.monotonic()
    outage_started = stack.sql("SELECT now()")
    dashboard, slowest, statuses = [], 0.0, []
    for n in range(10):
        started = time.monotonic()
        dashboard.append(anonymous.get("/")[0])
        status, worst = submit_report(stack, f"reporter{n:02d}")
        statuses.append(status)
        slowest = max(slowest, worst, time.monotonic() - started)
    # An approval asks for a roll-up, which cannot be enqueued: it is kept as due.
    report = stack.sql("SELECT id, version FROM reporting_report WHERE status = 'submitted' ORDER BY id LIMIT 1")
    report_id, version = report.split("|")
    assert city.post(f"/reports/review/{report_id}/decide/", {"action": "approve", "version": version})[0] == 302
    assert int(stack.sql("SELECT count(*) FROM programs_rollupdue")) >= 1
    time.sleep(max(0.0, 20 - (time.monotonic() - down_at)))
    stack.redis.start()

    assert set(dashboard) == {200}
    assert statuses == [302] * 10, statuses
    assert slowest <= 2.0, f"a request took {slowest:.2f} s while Redis was down"
    names = ", ".join(f"'reporter{n:02d}'" for n in range(10))
    saved = stack.sql("SELECT count(*) FROM reporting_report r JOIN accounts_user u "
                      f"ON u.organisation_id = r.organisation_id WHERE u.username IN ({names}) "
                      "AND r.status IN ('submitted', 'approved')")
    assert saved == "10", f"{saved} of the 10 reports submitted while Redis was down were saved"
    assert stack.sql("SELECT count(*) FROM (SELECT organisation_id, period_id FROM reporting_report "
                     "GROUP BY 1, 2 HAVING count(*) > 1) twice") == "0"

    # Beat asks for the catch-up every minute; the worker runs it once Redis is back.
    back_at = time.monotonic()
    wait_until(lambda: stack.sql("SELECT count(*) FROM programs_rollupdue") == "0", 150, "the roll-up catch-up")
    caught_up = time.monotonic() - back_at
    assert stack.sql(f"SELECT count(*) FROM programs_snapshot WHERE computed_at > '{outage_started}'") != "0"
    assert "match a fresh computation" in stack.manage("rollup", "--check")
    figures(redis_slowest_request_s=round(slowest, 2), redis_reports_saved=10, redis_catch_up_s=round(caught_up))


def test_a_postgresql_restart_answers_503_while_it_is_down_and_recovers_within_10_s(stack):
    staff = stack.client(username="city_hard", timeout=5)
    anonymous = stack.client(timeout=5)
    results: list[tuple[float, str, int, bytes]] = []
    stop = threading.Event()

    def load():
        while not stop.is_set():
            for client, path in ((anonymous, "/healthz"), (anonymous, "/api/v1/progress/"),
                                 (staff, "/api/livestream/anchors/")):
                try:
                    status, body, _response = client.get(path)
                except OSError:
                    status, body = 0, b""
                results.append((time.monotonic(), path, status, body[:200]))
            time.sleep(0.1)

    thread = threading.Thread(target=load)
    thread.start()
    try:
        time.sleep(3)
        stopped_at = time.monotonic()
        stack.postgres.stop()
        time.sleep(5)
        stack.postgres.start()
        up_at = time.monotonic()
        time.sleep(15)
    finally:
        stop.set()
        thread.join()

    assert all(status in (200, 503) for _at, _path, status, _body in results), \
        sorted({status for _at, _path, status, _body in results})
    failures = [(at, path, status) for at, path, status, _body in results if status != 200]
    assert failures, "the outage was not seen"
    assert all(stopped_at - 1 <= at <= up_at + 10 for at, _path, _status in failures), failures
    assert all(b"Traceback" not in body for _at, _path, _status, body in results)
    recovered = [status for at, _path, status, _body in results if at > up_at + 10]
    assert recovered and set(recovered) == {200}
    back = min((at for at, _path, status, _body in results if at > up_at and status == 200), default=up_at) - up_at
    figures(postgres_requests=len(results), postgres_503s=len(failures), postgres_recovered_after_s=round(back, 1))
