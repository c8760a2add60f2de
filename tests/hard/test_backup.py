"""A backup restores: pg_dump of the database, pg_restore into an empty one, and every
report and household is there with its ID number readable, with the key kept apart."""
import subprocess
import time
from pathlib import Path

from .stack import figures

COUNT_AND_DECRYPT = """
from poverty.models import Household
from xuchang_ecom.reporting.models import Report
from xuchang_ecom.accounts.validators import validate_resident_id
numbers = [household.resident_id for household in Household.objects.all()]
for number in numbers:
    validate_resident_id(number)
print(Report.objects.count(), len(numbers), len(set(numbers)))
"""


def test_a_dump_restores_into_an_empty_database_with_every_id_number_readable(stack, tmp_path: Path):
    dump = tmp_path / "xuchang.dump"
    subprocess.run(["pg_dump", "--format=custom", "--file", str(dump), stack.postgres.url()], check=True)
    stack.postgres.psql("CREATE DATABASE xuchang_restored", database="postgres")
    started = time.monotonic()
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname",
                    stack.postgres.url("xuchang_restored"), str(dump)], check=True)

    original = stack.manage("shell", "--no-imports", "-c", COUNT_AND_DECRYPT).split()
    restored = stack.processes.manage("shell", "--no-imports", "-c", COUNT_AND_DECRYPT,
                                      env={"DATABASE_URL": stack.postgres.url("xuchang_restored")}).split()
    assert int(original[0]) >= 5 and original[1] == original[2] == "40"
    assert restored == original
    figures(backup_dump_kb=dump.stat().st_size // 1024, backup_restore_s=round(time.monotonic() - started, 1),
            backup_reports=original[0], backup_households=original[1])


def test_without_the_key_kept_apart_the_numbers_cannot_be_read(stack):
    from cryptography.fernet import Fernet

    result = stack.processes.manage("shell", "--no-imports", "-c", COUNT_AND_DECRYPT, check=False,
                                    env={"PERSONAL_DATA_KEYS": Fernet.generate_key().decode()})
    assert result.returncode != 0 and "InvalidToken" in result.stderr
