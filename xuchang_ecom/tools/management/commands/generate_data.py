"""``manage.py generate_data --scale tiny|city|province [--seed N]``: synthetic data for benchmarks."""
import time

from django.core.management.base import BaseCommand

from xuchang_ecom.tools.generator import SCALES, generate


class Command(BaseCommand):
    help = "Generate synthetic placeholder data at a scale, in bulk (for benchmarks; never on real data)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="tiny")
        parser.add_argument("--seed", type=int, default=2020, help="The same seed gives the same data.")

    def handle(self, *args, scale, seed, **options):
        started = time.perf_counter()
        for line in generate(scale, seed=seed):
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"{scale} scale generated in {time.perf_counter() - started:.1f} s."))
