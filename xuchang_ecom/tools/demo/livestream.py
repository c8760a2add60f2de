"""Demo livestream registry.

The records the November 2020 report names are real (the AliExpress cross-border
livestream base opened 2020-09-26 committing to at least 100 livestreams a month; the
2020-06-30 cross-border hair-products livestream with Alibaba.com in the 东城区 park; the
农购网 public-welfare livestream that sold 25 tonnes of carrots). Everything else is an
invented sample, named 示例…, so that counts and monthly charts have something to show.
"""
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from livestream import services
from livestream.models import Agency, Anchor, Base, Brand, Cluster, Contest, Platform, Session, Training
from xuchang_ecom.regions.models import Level, Region

SHANGHAI = ZoneInfo("Asia/Shanghai")
PLATFORMS = [("淘宝直播", False), ("抖音", False), ("快手", False), ("阿里巴巴国际站", True),
             ("全球速卖通", True), ("京东", False), ("农购网", False)]
ALIEXPRESS_BASE = "全球速卖通跨境电商直播基地（许昌）"
COUNTIES = ["长葛市", "禹州市", "魏都区", "建安区", "鄢陵县", "襄城县", "东城区"]
DOMESTIC = ["淘宝直播", "抖音", "快手"]
INDUSTRIES = ["发制品", "蜂产品", "花木", "陶瓷", "示例产业"]


def _day(start: date, end: date, rng: random.Random) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def load(*, user) -> list[str]:
    """Load the sample as ``user`` (a city account); a second run adds nothing."""
    if Base.objects.filter(name=ALIEXPRESS_BASE).exists():
        return []
    rng = random.Random(2020)  # the same sample every time
    city = Region.objects.get(level=Level.CITY)
    counties = {r.name: r for r in Region.objects.filter(level=Level.COUNTY)}
    platforms = {
        name: Platform.objects.filter(name=name).first() or services.platform_create(name=name, is_cross_border=cb)
        for name, cb in PLATFORMS
    }

    base = services.base_create(
        user=user, name=ALIEXPRESS_BASE, region=city, kind="cross_border", opened_on=date(2020, 9, 26),
        committed_sessions_per_month=100, platforms=[platforms["全球速卖通"]],
    )
    services.session_create(
        user=user, started_at=_at(date(2020, 6, 30), 20), platform=platforms["阿里巴巴国际站"],
        region=counties["东城区"], kind="cross_border", product_category="发制品",
        title="许昌发制品跨境电商直播（东城区跨境电商产业园）",
    )
    services.session_create(
        user=user, started_at=_at(date(2020, 3, 1), 15), platform=platforms["农购网"], region=counties["长葛市"],
        kind="public_welfare", product_category="蔬菜", quantity=Decimal("25"), quantity_unit="tonne",
        title="农购网公益直播：胡萝卜（日期为示例）",
    )

    clusters = []
    for n in range(1, 9):
        recognised = _day(date(2021, 1, 1), date(2022, 11, 30), rng) if n <= 7 else None
        clusters.append(services.cluster_create(
            user=user, name=f"示例直播电商集聚区{n:02d}", region=counties[COUNTIES[n % len(COUNTIES)]],
            lead_industry=INDUSTRIES[n % len(INDUSTRIES)], planned_on=date(2020, 12, 1), recognised_on=recognised,
        ))
    bases = [base]
    for n in range(1, 7):
        bases.append(services.base_create(
            user=user, name=f"示例直播基地{n:02d}", region=counties[COUNTIES[n % len(COUNTIES)]],
            kind="check_in" if n % 2 else "comprehensive", cluster=clusters[n % len(clusters)],
            opened_on=_day(date(2020, 10, 1), date(2022, 6, 30), rng), platforms=[platforms["抖音"]],
        ))
    agencies = []
    for n in range(1, 17):
        supported = _day(date(2021, 1, 1), date(2022, 12, 1), rng)
        agencies.append(services.agency_create(
            user=user, name=f"示例直播机构{n:02d}", region=counties[COUNTIES[n % len(COUNTIES)]],
            supported_on=supported, support_batch="第一批" if supported.year == 2021 else "第二批",
            support_ended_on=date(2022, 9, 30) if n == 16 and supported < date(2022, 9, 30) else None,
        ))
    for n in range(1, 39):
        services.brand_create(
            user=user, name=f"示例网红品牌{n:02d}", region=counties[COUNTIES[n % len(COUNTIES)]],
            category=INDUSTRIES[n % len(INDUSTRIES)], incubated_by_agency=agencies[n % len(agencies)],
            incubated_on=_day(date(2021, 3, 1), date(2022, 12, 20), rng),
        )
    anchors = []
    for n in range(1, 401):
        cultivated = _day(date(2020, 11, 1), date(2022, 12, 31), rng)
        anchors.append(services.anchor_create(
            user=user, display_name=f"示例主播{n:03d}", real_name=f"示例姓名{n:03d}",
            region=counties[COUNTIES[n % len(COUNTIES)]], agency=agencies[n % len(agencies)],
            cultivated_on=cultivated, left_on=cultivated + timedelta(days=120) if n % 50 == 0 else None,
            accounts={platforms["抖音" if n % 3 else "快手"]: f"demo{n:03d}"},
        ))
    sessions = 0
    month = date(2020, 10, 1)
    while month <= date(2022, 12, 1):
        for _ in range(6 + (month.year - 2020) * 6):
            day = _day(month, (month + timedelta(days=31)).replace(day=1) - timedelta(days=1), rng)
            kind = rng.choices(["commercial", "public_welfare", "cross_border"], weights=[7, 1, 2])[0]
            chosen_base = base if kind == "cross_border" else rng.choice(bases)
            orders = rng.randint(20, 2000)
            services.session_create(
                user=user, started_at=_at(day, rng.randint(9, 22)), region=chosen_base.region, kind=kind,
                platform=platforms["全球速卖通" if kind == "cross_border" else rng.choice(DOMESTIC)],
                base=chosen_base, agency=rng.choice(agencies), anchors=rng.sample(anchors, 2),
                product_category=rng.choice(INDUSTRIES), title="示例直播", orders=orders,
                sales=Decimal(orders * rng.randint(30, 300)),
            )
            sessions += 1
        month = (month + timedelta(days=31)).replace(day=1)
    for n in range(1, 9):
        services.training_create(
            user=user, held_on=_day(date(2020, 11, 1), date(2022, 11, 30), rng), title=f"示例公益性直播电商培训{n:02d}",
            organiser="许昌市商务局", region=counties[COUNTIES[n % len(COUNTIES)]], trainees=rng.randint(50, 200),
            anchors_trained=rng.randint(20, 80),
        )
    for n in range(1, 4):
        services.contest_create(
            user=user, held_on=date(2020 + n, 9, 15), title=f"示例直播电商带货大赛{n:02d}", organiser="许昌市商务局",
            region=city, entrants=rng.randint(60, 150), winners=10,
        )
    counts = {model._meta.verbose_name_plural: model.objects.count()
              for model in (Cluster, Base, Agency, Brand, Anchor, Session, Training, Contest)}
    return ["Livestream demo: " + ", ".join(f"{name} {count}" for name, count in counts.items())]
