"""Load from a second process: locust, 64 users for 60 s, on the dashboard, the open data,
the staff APIs, and 50 reporters submitting their reports. No error; no report lost or
saved twice; the 99th percentile recorded."""
import csv
import subprocess
import sys

from .seed import PASSWORD
from .stack import ROOT, figures

USERS, SECONDS = 64, 60


def test_64_users_for_60_s_get_no_error_and_every_report_is_saved_once(stack, tmp_path):
    submissions = tmp_path / "submissions.txt"
    submissions.touch()
    result = subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(ROOT / "tests" / "hard" / "locustfile.py"), "--headless",
         "-u", str(USERS), "-r", "32", "-t", f"{SECONDS}s", "--host", f"http://127.0.0.1:{stack.processes.web_port}",
         "--csv", str(tmp_path / "load"), "--only-summary", "--stop-timeout", "10"],
        cwd=ROOT, capture_output=True, text=True, timeout=SECONDS + 120,
        env={**stack.processes.env, "HARD_PASSWORD": PASSWORD, "HARD_SUBMISSIONS": str(submissions),
             "HARD_FIRST_REPORTER": "50"},
    )
    with open(tmp_path / "load_stats.csv", encoding="utf-8") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    total = rows["Aggregated"]
    assert int(total["Failure Count"]) == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert result.returncode == 0, result.stderr[-3000:]

    submitted = submissions.read_text().split()
    assert len(submitted) == len(set(submitted)) == 50, f"{len(submitted)} reporters submitted"
    names = ", ".join(f"'{name}'" for name in submitted)
    saved = stack.sql("SELECT count(*) FROM reporting_report r JOIN accounts_user u ON u.organisation_id = "
                      f"r.organisation_id WHERE u.username IN ({names}) AND r.status = 'submitted'")
    assert saved == "50"
    assert stack.sql("SELECT count(*) FROM (SELECT organisation_id, period_id FROM reporting_report "
                     "GROUP BY 1, 2 HAVING count(*) > 1) twice") == "0"
    figures(load_requests=total["Request Count"], load_failures=total["Failure Count"],
            load_rps=round(float(total["Requests/s"])), load_p50_ms=total["50%"], load_p99_ms=total["99%"],
            load_dashboard_p99_ms=rows["/"]["99%"], load_reports_saved=saved)
