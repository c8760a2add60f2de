"""Nothing personal in any log line of the stack: after every other test has run (this file
sorts last), no resident ID number, household name or reporter password is in the logs."""
from .seed import HOUSEHOLDS, PASSWORD


def test_no_log_line_holds_personal_data(stack):
    from xuchang_ecom.tools.demo.poverty import demo_resident_id

    logs = "".join(stack.processes.log(name) for name in ("gunicorn", "worker", "beat"))
    assert logs, "the stack wrote no log at all"
    for serial in range(1, HOUSEHOLDS + 1):
        number = demo_resident_id(serial)
        assert number not in logs and number[-6:] + number[:6] not in logs
        assert f"示例户主{serial:03d}" not in logs
    assert PASSWORD not in logs
