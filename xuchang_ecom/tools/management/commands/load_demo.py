from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from xuchang_ecom.tools.demo import accounts as accounts_demo
from xuchang_ecom.tools.demo import applications as applications_demo
from xuchang_ecom.tools.demo import livestream as livestream_demo
from xuchang_ecom.tools.demo import poverty as poverty_demo
from xuchang_ecom.tools.demo import programs as programs_demo
from xuchang_ecom.tools.demo import reporting as reporting_demo
from xuchang_ecom.tools.demo import villages as villages_demo

# Each registry contributes one loader, run in this order as the demo city account; each
# skips what is already there, so running the command again keeps the data. The programs
# come last: their history is rolled up from the registries and the approved reports.
REGISTRY_LOADERS = [villages_demo.load, livestream_demo.load, poverty_demo.load, reporting_demo.load,
                    applications_demo.load, programs_demo.load]


class Command(BaseCommand):
    help = "Load the demo data (figures from the November 2020 report) and the demo accounts."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(_("Demo data is for development only: refusing to run with DEBUG off."))
        with transaction.atomic():
            lines = accounts_demo.load()
            city_user = accounts_demo.city_account()
            for load in REGISTRY_LOADERS:
                lines += load(user=city_user)
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(_("Demo data loaded.")))
