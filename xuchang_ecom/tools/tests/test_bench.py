"""The benchmark script at its tiny scale, so it cannot rot (its figures are not asserted)."""
import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_benchmark_runs_at_tiny_scale_and_prints_every_measure(require_postgres, capsys, settings, tmp_path):
    # The large import's worker is another process: it reads the upload from the disk.
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}}
    call_command("bench", "--scale", "tiny", "--output", "-")
    out = capsys.readouterr().out
    for measure in ("full roll-up", "backfill of 31 month-end dates", "validated import", "the audit trail",
                    "from .xlsx", "through an import job", "dashboard, cold", "dashboard, warm",
                    "open-data progress API", "households in one .xlsx through the admin", "staff list API"):
        assert measure in out
