"""``manage.py bench_session_import --rows 100000 [--format csv|xlsx]``: the bulk session
import measured (``xuchang_ecom.tools.session_import_bench`` says how)."""
from django.core.management.base import BaseCommand
from django.db import connection

from xuchang_ecom.tools.session_import_bench import DEFAULT_BATCH_SIZE, measure_session_import


class Command(BaseCommand):
    help = "Time the bulk import of livestream sessions on a generated file; leaves the database unchanged."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--format", dest="file_format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)

    def handle(self, *args, rows: int, file_format: str, batch_size: int, **options):
        figures = measure_session_import(rows=rows, file_format=file_format, batch_size=batch_size)
        self.stdout.write(
            f"{rows:,} rows, {file_format}, {figures['file_mb']:.1f} MB, batches of {batch_size:,}, "
            f"{connection.vendor}, foreign keys checked as rows go in"
        )
        self._report("import, with the audit trail", figures["import_s"], figures["import_rows_s"],
                     f"max RSS +{figures['rss_mb']:.0f} MB")
        self._report("import, without the audit trail", figures["no_trail_s"], figures["no_trail_rows_s"],
                     f"the trail costs {figures['trail_s']:+.2f} s ({figures['trail_pct']:+.0f} %)")
        self._report("validation only (dry run)", figures["dry_run_s"], figures["dry_run_rows_s"])
        self.stdout.write(f"  peak Python allocations during the import (tracemalloc): {figures['traced_mb']:.0f} MB"
                          f" (the {figures['file_mb']:.1f} MB file was allocated before)")
        self._report("bare bulk_create of the same rows (instances built + sessions + anchor links)",
                     figures["bare_s"], figures["bare_rows_s"])

    def _report(self, what: str, seconds: float, rate: float, extra: str = "") -> None:
        self.stdout.write(f"  {what}: {seconds:.2f} s, {rate:,.0f} rows/s" + (f", {extra}" if extra else ""))
