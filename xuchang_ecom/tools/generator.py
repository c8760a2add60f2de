"""Synthetic data at a given scale, for benchmarks: placeholder names, valid-format fake
numbers, deterministic for a seed, written in bulk.

Everything is named 示例… and every resident ID number is born on a day in 1900, so no
generated record can be mistaken for a real one. Writes go straight to the tables in
batches (``bulk_create``; on PostgreSQL the livestream sessions go through ``COPY``): the
services' per-record checks would take hours at province scale, and the data is valid by
construction. These writes are not kept in the audit trail (``xuchang_ecom.audit``): bulk
writes send no model signals, and generated data is no change anyone made; the bulk paths
people use (the session import, ``audit.bulk``) write their entries themselves.
"""
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import models, transaction
from django.db.models import OuterRef, Subquery

from xuchang_ecom.accounts.models import Organisation
from xuchang_ecom.accounts.validators import resident_id_check_character, uscc_check_character
from xuchang_ecom.common.bulk import batched, copy_rows, reserve_ids, supports_copy
from xuchang_ecom.common.crypto import keyed_hash
from xuchang_ecom.regions.models import Level, Region

SHANGHAI = ZoneInfo("Asia/Shanghai")
BATCH = 5000
START, END = date(2020, 1, 1), date(2022, 12, 31)


@dataclass(frozen=True)
class Scale:
    villages: int
    designations: int
    clusters: int
    bases: int
    agencies: int
    brands: int
    anchors: int
    sessions: int
    enterprises: int
    households: int
    periods: int


SCALES = {
    "tiny": Scale(villages=20, designations=30, clusters=5, bases=5, agencies=5, brands=20, anchors=50,
                  sessions=500, enterprises=20, households=200, periods=3),
    "city": Scale(villages=150, designations=250, clusters=100, bases=100, agencies=100, brands=500, anchors=2_000,
                  sessions=100_000, enterprises=500, households=20_000, periods=36),
    "province": Scale(villages=1_000, designations=2_500, clusters=1_000, bases=1_000, agencies=1_000, brands=5_000,
                      anchors=20_000, sessions=1_000_000, enterprises=5_000, households=200_000, periods=36),
}


def _day(rng: random.Random, start: date = START, end: date = END) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _bulk(model: type[models.Model], rows: Iterable[models.Model]) -> list[models.Model]:
    created = []
    for batch in batched(rows, BATCH):
        created += model.objects.bulk_create(batch)
    return created


def fake_resident_id(serial: int) -> str:
    """A number valid in form and visibly fake: Xuchang's area code, born in 1900."""
    born = date(1900, 1, 1) + timedelta(days=serial // 1000)
    first17 = f"411000{born:%Y%m%d}{serial % 1000:03d}"
    return first17 + resident_id_check_character(first17)


def fake_uscc(serial: int) -> str:
    first17 = f"91411000MA{serial:07d}"
    return first17 + uscc_check_character(first17)


class Generator:
    """Writes one scale of data; ``run()`` returns lines saying what it wrote."""

    def __init__(self, scale: Scale, seed: int = 2020):
        self.scale = scale
        self.rng = random.Random(seed)
        self.lines: list[str] = []

    def say(self, what: str, count: int) -> None:
        self.lines.append(f"{what}: {count:,}")

    @transaction.atomic
    def run(self) -> list[str]:
        self.counties = list(Region.objects.filter(level=Level.COUNTY).order_by("path"))
        self.villages = self._villages()
        self._designations()
        self._livestream()
        self._poverty()
        self._reports()
        return self.lines

    # -- places ---------------------------------------------------------------------

    def _villages(self) -> list[Region]:
        """Placeholder townships and villages under each county-level division."""
        existing = list(Region.objects.filter(level=Level.VILLAGE, name__startswith="示例村G"))
        if len(existing) >= self.scale.villages:
            return existing[: self.scale.villages]
        townships = []
        for county in self.counties:
            for n in range(max(1, self.scale.villages // (len(self.counties) * 10))):
                name = f"示例镇G{n:03d}"
                townships.append(Region(name=name, level=Level.TOWNSHIP, parent=county, county=county,
                                        path=f"{county.path}{name}/"))
        townships = _bulk(Region, townships)
        villages = [
            Region(name=f"示例村G{n:05d}", level=Level.VILLAGE, parent=townships[n % len(townships)],
                   county=townships[n % len(townships)].county,
                   path=f"{townships[n % len(townships)].path}示例村G{n:05d}/")
            for n in range(self.scale.villages)
        ]
        villages = _bulk(Region, villages)
        self.say("villages", len(villages))
        return villages

    def _place(self) -> Region:
        return self.rng.choice(self.villages)

    def _county(self) -> Region:
        return self.rng.choice(self.counties)

    # -- Taobao villages ----------------------------------------------------------------

    def _designations(self) -> None:
        from villages.models import Designation, DesignationKind, SourceReport

        sources = {year: SourceReport.objects.get_or_create(title=f"示例{year}年淘宝村名单",
                                                            defaults={"year": year, "publisher": "示例"})[0]
                   for year in range(2014, 2023)}
        seen, rows = set(), []
        while len(rows) < self.scale.designations and len(seen) < len(self.villages) * len(sources):
            village, year = self._place(), self.rng.randrange(2014, 2023)
            if (village.pk, year) in seen:
                continue
            seen.add((village.pk, year))
            rows.append(Designation(place=village, kind=DesignationKind.VILLAGE, year=year, source=sources[year],
                                    main_products="示例产品", online_shops=self.rng.randrange(10, 500)))
        self.say("Taobao designations", len(_bulk(Designation, rows)))

    # -- livestream -------------------------------------------------------------------

    def _organisations(self, count: int, prefix: str, offset: int) -> list[Organisation]:
        return _bulk(Organisation, (
            Organisation(name=f"{prefix}{n:05d}", uscc=fake_uscc(offset + n), region=self._county())
            for n in range(count)
        ))

    def _livestream(self) -> None:
        from livestream.models import Agency, Anchor, Base, BaseKind, Brand, Cluster, Platform, Session, SessionKind

        scale, rng = self.scale, self.rng
        platforms = list(Platform.objects.all()) or [Platform.objects.create(name="示例平台")]
        clusters = _bulk(Cluster, (
            Cluster(name=f"示例集聚区G{n:05d}", region=self._county(), lead_industry="示例产业",
                    planned_on=date(2020, 1, 1), recognised_on=_day(rng)) for n in range(scale.clusters)))
        operators = self._organisations(scale.bases, "示例基地运营企业G", 1_000_000)
        self.base_operators = operators
        bases = _bulk(Base, (
            Base(name=f"示例直播基地G{n:05d}", region=self._county(), operator=operators[n],
                 cluster=rng.choice(clusters), kind=rng.choice(list(BaseKind.values)), opened_on=_day(rng),
                 committed_sessions_per_month=rng.randrange(10, 200)) for n in range(scale.bases)))
        agency_organisations = self._organisations(scale.agencies, "示例直播机构G", 2_000_000)
        agencies = _bulk(Agency, (
            Agency(organisation=organisation, supported_on=_day(rng) if rng.random() < 0.5 else None,
                   support_batch="示例批次") for organisation in agency_organisations))
        self.agency_organisations = agency_organisations
        _bulk(Brand, (
            Brand(name=f"示例品牌G{n:06d}", region=self._county(), category="示例品类",
                  incubated_by_agency=rng.choice(agencies), incubated_on=_day(rng)) for n in range(scale.brands)))
        anchors = _bulk(Anchor, (
            Anchor(display_name=f"示例主播G{n:06d}", real_name=f"示例姓名{n:06d}", mobile="",
                   region=self._county(), agency=rng.choice(agencies), cultivated_on=_day(rng))
            for n in range(scale.anchors)))
        for what, count in (("clusters", len(clusters)), ("livestream bases", len(bases)),
                            ("agencies", len(agencies)), ("brands", scale.brands), ("anchors", len(anchors))):
            self.say(what, count)
        self._sessions(Session, SessionKind, platforms, bases, agencies, [anchor.pk for anchor in anchors])

    def _sessions(self, Session, SessionKind, platforms, bases, agencies, anchors) -> None:  # noqa: N803
        rng, span = self.rng, (END - START).days * 24 * 60
        kinds = [SessionKind.COMMERCIAL] * 8 + [SessionKind.PUBLIC_WELFARE, SessionKind.CROSS_BORDER]
        anchors_per_session = (0, 1, 1, 1, 2, 2, 3)  # 1.4 on average
        start = datetime.combine(START, time(8), tzinfo=SHANGHAI)
        columns = ["started_at", "platform_id", "region_id", "base_id", "agency_id", "kind", "title",
                   "product_category", "orders", "sales", "quantity", "quantity_unit"]
        link = Session.anchors.through
        sessions = links = 0
        for numbers in batched(range(self.scale.sessions), 50_000):
            rows = []
            for n in numbers:
                base = rng.choice(bases)
                rows.append((start + timedelta(minutes=rng.randrange(span)), rng.choice(platforms).pk,
                             base.region_id, base.pk, rng.choice(agencies).pk, rng.choice(kinds), f"示例直播{n}",
                             "示例品类", rng.randrange(0, 500), Decimal(rng.randrange(0, 5_000_000)) / 100, None, ""))
            if supports_copy():
                ids = reserve_ids(Session, len(rows))
                sessions += copy_rows(Session, ["id", *columns],
                                      ((pk, *row) for pk, row in zip(ids, rows, strict=True)))
            else:
                ids = [session.pk for session in
                       _bulk(Session, (Session(**dict(zip(columns, row, strict=True))) for row in rows))]
                sessions += len(ids)
            pairs = [(pk, anchor) for pk in ids for anchor in rng.sample(anchors, rng.choice(anchors_per_session))]
            if supports_copy():
                links += copy_rows(link, ["session_id", "anchor_id"], pairs)
            else:
                links += len(_bulk(link, (link(session_id=pk, anchor_id=anchor) for pk, anchor in pairs)))
        self.say("livestream sessions", sessions)
        self.say("their anchors", links)

    # -- poverty alleviation ------------------------------------------------------------

    def _poverty(self) -> None:
        from poverty.models import AlleviationModel, Base, Dividend, Employment, Enterprise, Household, LandLease

        scale, rng = self.scale, self.rng
        organisations = self._organisations(scale.enterprises, "示例带贫企业G", 3_000_000)
        enterprises = _bulk(Enterprise, (Enterprise(organisation=o, products="示例农产品", recognised_on=_day(rng))
                                         for o in organisations))
        model = AlleviationModel.objects.order_by("pk").first()
        if model is not None:
            through = Enterprise.alleviation_models.through
            _bulk(through, (through(enterprise_id=e.pk, alleviationmodel_id=model.pk) for e in enterprises))
        self.enterprise_organisations = organisations
        bases = _bulk(Base, (
            Base(name=f"示例扶贫基地G{n:05d}", enterprise=enterprises[n], region=self._county(), area_mu=Decimal(100),
                 opened_on=_day(rng)) for n in range(max(1, scale.enterprises // 5))))
        serial_start = Household.objects.count() + 900_000

        def households():
            for n in range(scale.households):
                number = fake_resident_id(serial_start + n)
                yield Household(head_name=f"示例户主{n:06d}", resident_id=number, id_hash=keyed_hash(number),
                                village=self._place(), size=rng.randrange(1, 7), disabled_members=0)

        households = _bulk(Household, households())
        links = []
        for household in households:
            workplace = {"enterprise": rng.choice(enterprises)} if rng.random() < 0.7 else {"base": rng.choice(bases)}
            links.append(Employment(household=household, member_name="示例成员", is_disabled=rng.random() < 0.1,
                                    started_on=_day(rng), monthly_wage=Decimal(1500), **workplace))
        _bulk(Employment, links)
        _bulk(LandLease, (LandLease(household=h, enterprise=rng.choice(enterprises), area_mu=Decimal(2),
                                    annual_rent=Decimal(800), started_on=_day(rng))
                          for h in households[: scale.households // 4]))
        _bulk(Dividend, (Dividend(household=h, enterprise=rng.choice(enterprises), year=2021, amount=Decimal(300),
                                  paid_on=date(2021, 12, 20)) for h in households[: scale.households // 5]))
        for what, count in (("poverty-alleviation enterprises", len(enterprises)), ("poverty bases", len(bases)),
                            ("households", len(households)), ("employment links", len(links))):
            self.say(what, count)

    # -- monthly reports ---------------------------------------------------------------

    def _reports(self) -> None:
        from xuchang_ecom.accounts import services as account_services
        from xuchang_ecom.accounts.models import Role, User
        from xuchang_ecom.reporting.models import Period, Report, ReportEvent, ReportStatus

        rng, months = self.rng, []
        month = date(2020, 1, 1)
        for _ in range(self.scale.periods):
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        existing = set(Period.objects.filter(month__in=months).values_list("month", flat=True))
        _bulk(Period, (Period(month=m, opens_on=m, due_on=m.replace(day=10), is_open=False)
                       for m in months if m not in existing))
        periods = list(Period.objects.filter(month__in=months).order_by("month"))
        organisations = self.enterprise_organisations + self.agency_organisations + self.base_operators
        reports = []
        for period in periods:
            for organisation in organisations:
                draw = rng.random()
                if draw < 0.05:
                    continue  # missing
                status = (ReportStatus.APPROVED if draw < 0.85 else
                          ReportStatus.RETURNED if draw < 0.9 else ReportStatus.SUBMITTED)
                submitted = datetime.combine(period.due_on + timedelta(days=rng.randrange(-8, 6)), time(10),
                                             tzinfo=SHANGHAI)
                reports.append(Report(organisation=organisation, period=period, status=status,
                                      sales=Decimal(rng.randrange(1000, 500000)), orders=rng.randrange(0, 2000),
                                      submitted_at=submitted,
                                      approved_at=submitted if status == ReportStatus.APPROVED else None))
        reports = _bulk(Report, reports)
        # The history says who submitted each: a placeholder account stands for the reporters.
        author = User.objects.filter(username="示例数据生成").first() or account_services.user_create(
            username="示例数据生成", password=None, role=Role.CITY_STAFF)
        _bulk(ReportEvent, (ReportEvent(report=report, action=ReportEvent.Action.SUBMITTED, user=author)
                            for report in reports))
        # auto_now_add stamped them now; they happened when the reports were submitted.
        ReportEvent.objects.filter(user=author).update(
            at=Subquery(Report.objects.filter(pk=OuterRef("report_id")).values("submitted_at")[:1]))
        self.say("monthly reports", len(reports))


def generate(scale: str, *, seed: int = 2020) -> list[str]:
    """Generate ``scale`` (tiny, city or province) of data; returns what was written."""
    return Generator(SCALES[scale], seed).run()
