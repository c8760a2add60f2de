"""What the hard suite's stack starts with: staff, 50 agency reporters with an open month
to report, the plan's targets with today's snapshots, and households with ID numbers.
Run inside the stack: ``manage.py shell -c "from tests.hard.seed import run; run()"``."""
from datetime import date

from django.utils import timezone

PASSWORD = "check-hard-password-1"
REPORTERS = 100  # 00-49 for the fault tests, 50-99 for the load
HOUSEHOLDS = 40


def run() -> None:
    from livestream import services as livestream
    from poverty import services as poverty
    from programs import services as programs
    from xuchang_ecom.accounts.models import Role
    from xuchang_ecom.accounts.services import user_create
    from xuchang_ecom.regions.models import Region
    from xuchang_ecom.reporting import services as reporting
    from xuchang_ecom.tools.demo import programs as programs_demo
    from xuchang_ecom.tools.demo.poverty import demo_resident_id

    city = user_create(username="city_hard", password=PASSWORD, role=Role.CITY_STAFF)
    changge = Region.objects.get(path="许昌市/长葛市/")
    yuzhou = Region.objects.get(path="许昌市/禹州市/")
    user_create(username="county_hard", password=PASSWORD, role=Role.COUNTY_STAFF, region=changge)
    for n in range(REPORTERS):
        agency = livestream.agency_create(user=city, name=f"压测直播机构{n:02d}", region=changge if n % 2 else yuzhou,
                                          supported_on=date(2021, 1, 1) if n < 10 else None)
        user_create(username=f"reporter{n:02d}", password=PASSWORD, role=Role.REPORTER,
                    organisation=agency.organisation)
    month = timezone.localdate().replace(day=1)
    period = reporting.period_open(month=month, opens_on=month, due_on=month.replace(day=28))
    # Five reports in already, approved by the city (the backup test counts them).
    from xuchang_ecom.accounts.models import User

    for reporter in User.objects.filter(username__in=[f"reporter{n:02d}" for n in range(40, 45)]):
        report = reporting.report_start(user=reporter, period=period)
        report = reporting.report_submit(user=reporter, report=report, version=report.version, data={
            "sales": "1000", "orders": "10", "sessions_held": "2", "anchors_trained": "1", "brands_incubated": "0"})
        reporting.report_approve(user=city, report=report, version=report.version)
    village = Region.objects.filter(path__startswith="许昌市/长葛市/").order_by("-level", "path").first()
    for serial in range(1, HOUSEHOLDS + 1):
        poverty.household_create(user=city, head_name=f"示例户主{serial:03d}", resident_id=demo_resident_id(serial),
                                 village=village, size=3)
    programs_demo.programs_create()
    # Month ends since 2015, so the nightly roll-up (every stored date) takes some seconds.
    programs.rollup_backfill(start=date(2015, 1, 1), end=timezone.localdate())
    print("seeded")
