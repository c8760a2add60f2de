"""``manage.py rollup``: compute progress snapshots now, backfill history, or check them.

    manage.py rollup                                  today's snapshots
    manage.py rollup --date 2021-06-30                one date
    manage.py rollup --from 2020-06-01 --to 2022-12-31  every month end in between (and --to)
    manage.py rollup --check                          recompute every stored date without
                                                      writing; list each snapshot that differs
"""
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Min
from django.utils import timezone

from programs import rollup, services
from programs.models import Snapshot
from xuchang_ecom.common.metrics import all_aggregates


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = "Compute, backfill or check the plan's progress snapshots."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=_date, help="Compute the snapshots of this date.")
        parser.add_argument("--from", dest="start", type=_date, help="Backfill month ends from this date.")
        parser.add_argument("--to", dest="end", type=_date, help="Backfill up to this date (default today).")
        parser.add_argument("--check", action="store_true",
                            help="Recompute the stored dates (or the given ones) without writing; list differences.")

    def handle(self, *args, date=None, start=None, end=None, check=False, **options):
        if date and (start or end):
            raise CommandError("Give either --date or --from/--to, not both.")
        if end and not start:
            raise CommandError("--to needs --from.")
        today = timezone.localdate()
        if start:
            end = end or today
            if end < start:
                raise CommandError("--to must not come before --from.")
            dates = rollup.backfill_dates(start, end)
        elif date:
            dates = [date]
        elif check:
            dates = sorted(set(Snapshot.objects.values_list("as_of", flat=True).distinct()))
        else:
            dates = [today]

        if check:
            return self._check(dates)
        for day, rows in zip(dates, services.rollup_dates(dates), strict=True):
            self.stdout.write(f"{day}: {rows} snapshots")
        first = Snapshot.objects.aggregate(first=Min("as_of"))["first"]
        self.stdout.write(self.style.SUCCESS(f"{len(dates)} dates computed; history starts {first}."))

    def _check(self, dates):
        differences = [str(difference) for difference in rollup.rollup_differences(dates)]
        differences += [line for aggregate in all_aggregates() for line in aggregate.differences()]
        for difference in differences:
            self.stdout.write(difference)
        if differences:
            raise CommandError(f"{len(differences)} snapshots or totals differ from a fresh computation "
                               f"over {len(dates)} dates.")
        self.stdout.write(self.style.SUCCESS(f"All snapshots of {len(dates)} dates and the monthly totals match "
                                             "a fresh computation."))
