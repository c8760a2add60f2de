"""``manage.py bench --scale province``: see ``xuchang_ecom.tools.bench``."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from livestream.models import Session
from xuchang_ecom.tools import bench
from xuchang_ecom.tools.generator import SCALES, generate

IMPORT_ROWS = {"tiny": 500, "city": 100_000, "province": 100_000}
LOAD_SECONDS = {"tiny": 2, "city": 30, "province": 30}
# Rows of each registry's import through an import job (organisations' registries still
# take 10 ms a row: 5,000 rows take them about 50 s here, the others 3-7 s).
REGISTRY_ROWS = {"tiny": 20, "city": 5_000, "province": 5_000}
# Households in the one large .xlsx checked while the dashboard is under load.
LARGE_IMPORT_ROWS = {"tiny": 200, "city": 200_000, "province": 200_000}


class Command(BaseCommand):
    help = "Measure the speed goals on generated data (PostgreSQL and Redis) and write docs/benchmarks.md."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="province")
        parser.add_argument("--output", default=str(settings.BASE_DIR / "docs" / "benchmarks.md"),
                            help="Where to write the table ('-' for nowhere).")

    def handle(self, *args, scale, output, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The benchmarks run against PostgreSQL: set DATABASE_URL.")
        if Session.objects.count() < SCALES[scale].sessions:
            self.stdout.write(f"Generating {scale} scale data (a fresh database is best)…")
            for line in generate(scale):
                self.stdout.write(f"  {line}")
        rows, context = bench.run(scale=scale, import_rows=IMPORT_ROWS[scale], load_seconds=LOAD_SECONDS[scale],
                                  registry_rows=REGISTRY_ROWS[scale], large_import_rows=LARGE_IMPORT_ROWS[scale])
        text = bench.table(rows)
        self.stdout.write(context)
        self.stdout.write(text)
        if output != "-":
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(f"# Benchmarks\n\n`make bench` (`manage.py bench --scale {scale}`). {context}\n\n"
                             f"{text}\n")
            self.stdout.write(self.style.SUCCESS(f"Written to {output}."))
