"""Demo poverty-alleviation registry.

The figures are the November 2020 report's: 50 poverty-alleviation enterprises, 9 bases
(花艺公司, 五彩大地, 建业绿色基地, 大力鼓合作社 and 明丰蜜桃 among them) employing 90 poor or
disabled people, over 1000 mu leased from poor households; 豫晨庄园 (大周镇, 长葛市) grows
organic vegetables on a 500-mu base. Every household is invented: placeholder names
(示例户主001 …) and resident ID numbers with the impossible birth date 1900-01-01, valid
in form only. Dates the report does not give are samples.
"""
import random
from datetime import date, timedelta
from decimal import Decimal

from poverty import services
from poverty.models import AlleviationModel, Base, Dividend, Employment, Enterprise, Household, LandLease, TakeHomeWork
from xuchang_ecom.accounts.models import Organisation
from xuchang_ecom.accounts.validators import resident_id_check_character
from xuchang_ecom.regions.models import Level, Region
from xuchang_ecom.regions.services import region_get_or_create_path
from xuchang_ecom.tools.demo import accounts as accounts_demo

CITY = "许昌市"
REPORT_DAY = date(2020, 11, 10)
YUCHEN_BASE = "豫晨庄园有机蔬菜基地"
NAMED_BASES = ["花艺公司", "五彩大地", "建业绿色基地", "大力鼓合作社", "明丰蜜桃"]
COUNTIES = ["长葛市", "禹州市", "魏都区", "建安区", "鄢陵县", "襄城县", "东城区"]
VILLAGES = [
    ("长葛市", "大周镇", "示例扶贫村01"), ("长葛市", "石象镇", "示例扶贫村02"), ("禹州市", "示例镇", "示例扶贫村03"),
    ("鄢陵县", "示例镇", "示例扶贫村04"), ("襄城县", "示例镇", "示例扶贫村05"), ("建安区", "示例镇", "示例扶贫村06"),
]
HOUSEHOLDS = 120
EMPLOYED_AT_BASES = 90  # on REPORT_DAY, as the report says
LEASES = 55  # 15 to 23 mu each: 1045 mu on REPORT_DAY


def demo_resident_id(serial: int) -> str:
    """A made-up number valid in form: Xuchang's area code, born 1900-01-01, ``serial``."""
    first17 = f"41100019000101{serial:03d}"
    return first17 + resident_id_check_character(first17)


def _day(start: date, end: date, rng: random.Random) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _enterprises(user, rng: random.Random) -> list[Enterprise]:
    """豫晨庄园 and 学杰农业合作社 (the accounts demo's organisations, reused) and 48 samples."""
    models = list(AlleviationModel.objects.all())
    base_model = AlleviationModel.objects.get(code="ecommerce-base-household")
    counties = {r.name: r for r in Region.objects.filter(level=Level.COUNTY)}
    enterprises = []
    for key, products in [("enterprise_a", "有机蔬菜"), ("enterprise_b", "蔬菜")]:
        name, path = accounts_demo.ORGANISATIONS[key]
        enterprises.append(services.enterprise_create(
            user=user, organisation=Organisation.objects.filter(name=name).first(), name=name,
            region=Region.objects.get(path=path), alleviation_models=[base_model], products=products,
            recognised_on=_day(date(2017, 1, 1), date(2019, 12, 31), rng), note="认定日期为示例",
        ))
    for n in range(1, 49):
        enterprises.append(services.enterprise_create(
            user=user, name=f"示例带贫企业{n:02d}", region=counties[COUNTIES[n % len(COUNTIES)]],
            alleviation_models=rng.sample(models, rng.randint(1, 2)), products="示例产品",
            recognised_on=_day(date(2016, 1, 1), date(2020, 10, 31), rng), note="示例数据",
        ))
    return enterprises


def _bases(user, enterprises: list[Enterprise], rng: random.Random) -> list[Base]:
    city = Region.objects.get(level=Level.CITY)
    bases = [services.base_create(
        # The report says only that 豫晨庄园 settled in 大周镇 in 2015.
        user=user, name=YUCHEN_BASE, enterprise=enterprises[0], region=enterprises[0].organisation.region,
        products="有机蔬菜", area_mu=Decimal(500), opened_on=date(2015, 1, 1),
    )]
    # The report names these bases but not where they are or who runs them.
    for name in NAMED_BASES:
        bases.append(services.base_create(
            user=user, name=name, region=city, opened_on=_day(date(2017, 1, 1), date(2019, 12, 31), rng),
        ))
    for n in range(1, 4):
        enterprise = enterprises[1 + n]
        bases.append(services.base_create(
            user=user, name=f"示例扶贫基地{n:02d}", enterprise=enterprise, region=enterprise.organisation.region,
            products="示例产品", area_mu=Decimal(rng.randint(50, 300)),
            opened_on=_day(date(2017, 1, 1), date(2020, 6, 30), rng),
        ))
    return bases


def load(*, user) -> list[str]:
    """Load the sample as ``user`` (a city account); a second run adds nothing."""
    if Base.objects.filter(name=YUCHEN_BASE).exists():
        return []
    rng = random.Random(2020)  # the same sample every time
    enterprises = _enterprises(user, rng)
    bases = _bases(user, enterprises, rng)
    villages = [region_get_or_create_path(names=[CITY, *names]) for names in VILLAGES]

    households = []
    for n in range(1, HOUSEHOLDS + 1):
        disabled = n <= EMPLOYED_AT_BASES and n % 5 == 0  # 18 of the 90 employed
        households.append(services.household_create(
            user=user, head_name=f"示例户主{n:03d}", resident_id=demo_resident_id(n),
            village=villages[n % len(villages)], size=rng.randint(2, 6), disabled_members=1 if disabled else 0,
            exited_in=rng.choice([None, 2019, 2020]) if n > EMPLOYED_AT_BASES else None,
        ))

    for n, household in enumerate(households[:EMPLOYED_AT_BASES], start=1):
        services.employment_create(
            user=user, household=household, base=bases[n % len(bases)], member_name=f"示例成员{n:03d}",
            is_disabled=bool(household.disabled_members), started_on=_day(date(2018, 3, 1), date(2020, 10, 31), rng),
            monthly_wage=Decimal(rng.randint(18, 30) * 100),
        )
    # Jobs that ended before the report and jobs that began after it, so the history moves.
    for n, household in enumerate(households[EMPLOYED_AT_BASES:95], start=EMPLOYED_AT_BASES + 1):
        services.employment_create(
            user=user, household=household, base=bases[n % len(bases)], member_name=f"示例成员{n:03d}",
            started_on=date(2019, 4, 1), ended_on=date(2020, 6, 30), monthly_wage=Decimal(2000),
        )
    for n, household in enumerate(households[95:100], start=96):
        services.employment_create(
            user=user, household=household, enterprise=enterprises[n % len(enterprises)],
            member_name=f"示例成员{n:03d}", started_on=date(2021, 3, 1), monthly_wage=Decimal(2500),
        )

    for n, household in enumerate(households[:LEASES + 5], start=1):
        area = Decimal(15 + 2 * (n % 5))
        workplace = {"base": bases[n % len(bases)]} if n % 3 else {"enterprise": enterprises[n % len(enterprises)]}
        ended = n > LEASES  # five leases ended before the report
        services.land_lease_create(
            user=user, household=household, area_mu=area, annual_rent=area * 800, **workplace,
            started_on=_day(date(2016, 3, 1), date(2018, 12, 31) if ended else date(2020, 10, 31), rng),
            ended_on=date(2019, 12, 31) if ended else None,
        )
    for n, household in enumerate(households[:30], start=1):
        services.dividend_create(
            user=user, household=household, base=bases[n % len(bases)], year=2019,
            amount=Decimal(rng.randint(3, 10) * 100), paid_on=date(2020, 1, 15),
        )
    for n, household in enumerate(households[105:], start=106):
        for start, end in [(date(2020, 10, 1), date(2020, 10, 31)), (date(2020, 11, 1), date(2020, 11, 30))]:
            pieces = rng.randint(200, 800)
            services.take_home_work_create(
                user=user, household=household, enterprise=enterprises[n % len(enterprises)], period_start=start,
                period_end=end, pieces=pieces, pay=Decimal(pieces) * Decimal("1.5"),
            )

    counts = {model._meta.verbose_name_plural: model.objects.count()
              for model in (Enterprise, Base, Household, Employment, LandLease, Dividend, TakeHomeWork)}
    return ["Poverty-alleviation demo: " + ", ".join(f"{name} {count}" for name, count in counts.items())]
