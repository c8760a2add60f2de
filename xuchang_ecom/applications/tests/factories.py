"""A call for demonstration agencies, and agencies in 长葛市 and 禹州市 with their reporters."""
from datetime import timedelta

from django.utils import timezone

from livestream import services as livestream
from xuchang_ecom.accounts.tests.factories import region, reporter
from xuchang_ecom.applications import services
from xuchang_ecom.applications.models import Call, Criterion, RequiredDocument

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64

CRITERIA = [("线上销售额", 30), ("签约主播数量", 20), ("带动贫困户就业", 20), ("孵化品牌", 30)]


def call(*, kind: str = "demonstration_agency", days_left: int = 10, notice_days: int = 7, published: bool = True,
         counties=(), title: str = "2021年度许昌市直播电商示范机构申报") -> Call:
    today = timezone.localdate()
    created = Call.objects.create(title=title, kind=kind, batch="2021年第一批", opens_on=today - timedelta(days=10),
                                  closes_on=today + timedelta(days=days_left), notice_days=notice_days,
                                  figures=["sales", "sessions_held"])
    created.counties.set([region(name) for name in counties])
    for position, (name, weight) in enumerate(CRITERIA):
        Criterion.objects.create(call=created, name=name, weight=weight, position=position)
    RequiredDocument.objects.create(call=created, name="营业执照", position=0)
    RequiredDocument.objects.create(call=created, name="销售证明", is_required=False, position=1)
    return services.call_publish(call=created) if published else created


def agency_reporter(city_user, username: str, *, county: str = "长葛市", supported: bool = False):
    """A reporter of a new livestream agency in ``county`` (not yet a supported one)."""
    agency = livestream.agency_create(user=city_user, name=f"示例直播机构{username}", region=region(county))
    if supported:
        livestream.agency_support(user=city_user, agency=agency, on=timezone.localdate(), batch="第一批")
    return reporter(username, organisation=agency.organisation)


def approved_report(reporter_user, month, **figures):
    """``reporter_user``'s organisation's report for ``month``, approved with ``figures``
    (set directly: how a report comes to be approved is the reporting app's business)."""
    from xuchang_ecom.reporting import services as reporting
    from xuchang_ecom.reporting.models import Report, ReportStatus
    from xuchang_ecom.reporting.tests.factories import period

    report = reporting.report_start(user=reporter_user, period=period(month))
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.APPROVED, **figures)
    return report


def months_before(day, count: int):
    """The first days of the ``count`` months before ``day``'s month, latest first."""
    index = day.year * 12 + day.month - 1
    return [day.replace(year=(index - n) // 12, month=(index - n) % 12 + 1, day=1) for n in range(1, count + 1)]
