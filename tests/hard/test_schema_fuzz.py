"""The OpenAPI schema fuzzed with schemathesis on the running stack, every check and the
stateful phase, as a visitor, as a reporter and as county staff: no server error, no
response outside the schema. Number parameters are also sent digits that are not ASCII
and integers beyond 64 bits (fuzz_hooks.py)."""
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from .stack import ROOT, figures

ROLES = {"visitor": None, "reporter": "reporter48", "county staff": "county_hard"}


@pytest.mark.parametrize("role", list(ROLES))
def test_the_schema_holds_under_fuzzing(stack, role, tmp_path):
    client = stack.client(username=ROLES[role])
    client.get("/accounts/login/")
    base = f"http://127.0.0.1:{stack.processes.web_port}"
    hostile_log = tmp_path / "hostile.txt"
    cookie = "; ".join(f"{key}={value}" for key, value in client.cookies.items())
    result = subprocess.run(
        # Every check on the responses (server errors, status codes, content types, the
        # response schemas) in every phase, stateful included. Not the two on how strictly
        # requests are judged: a schema cannot say which ids exist (a well-formed id of a
        # missing record is rightly a 400), and filters ignore values they cannot use, as
        # DRF's do.
        [sys.executable, "-m", "schemathesis.cli", "run", f"{base}/api/schema/", "--checks", "all",
         "--exclude-checks", "positive_data_acceptance,negative_data_rejection",
         "--max-examples", "20", "--generation-database", "none", "--request-timeout", "10", "--seed", "2020",
         "--no-color",
         "-H", f"Cookie: {cookie}", "-H", f"X-CSRFToken: {client.cookies.get('csrftoken', '')}",
         "-H", f"Origin: {base}", "-H", f"Referer: {base}/api/docs/",
         "--report", "junit", "--report-dir", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**stack.processes.env, "SCHEMATHESIS_HOOKS": str(Path(__file__).with_name("fuzz_hooks.py")),
             "FUZZ_HOSTILE_LOG": str(hostile_log)},
    )
    summary = result.stdout[-6000:]
    (ROOT / "tests" / "artifacts").mkdir(exist_ok=True)  # run alone, no other test has made it
    (ROOT / "tests" / "artifacts" / f"fuzz-{role}.txt").write_text(result.stdout)
    assert result.returncode == 0, summary + "\n--- gunicorn ---\n" + stack.processes.log("gunicorn")[-5000:]
    generated = re.search(r"\d+ generated.*", result.stdout)
    generated = generated.group(0).strip() if generated else ""
    hostile = hostile_log.read_text(encoding="utf-8").splitlines() if hostile_log.exists() else []
    # The hostile numbers were sent, to lists the role may read too, and refused (400).
    assert any(line.startswith("400 ") for line in hostile), hostile[:20]
    figures(**{f"fuzz_{role.replace(' ', '_')}": generated,
               f"fuzz_{role.replace(' ', '_')}_hostile_numbers": f"{len(hostile)} requests, statuses "
               + ", ".join(f"{status}: {count}" for status, count in sorted(Counter(
                   line.split()[0] for line in hostile).items()))})
