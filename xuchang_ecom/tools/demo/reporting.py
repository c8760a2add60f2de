"""Demo reports: monthly periods from July 2020, with the two demo enterprises' reports in
every state (approved, submitted and waiting for review, returned, a draft). Figures are
invented placeholders around the report's scale."""
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model

from xuchang_ecom.accounts.models import Role
from xuchang_ecom.reporting import services
from xuchang_ecom.reporting.models import Period

MONTHS = [date(2020, month, 1) for month in (7, 8, 9, 10, 11)]


def _figures(scale: int, month: int) -> dict[str, str]:
    return {
        "sales": str(Decimal(scale * 1000 + month * 731)), "orders": str(scale * 10 + month),
        "poor_employed": str(4 + scale % 5), "wages_paid": str(Decimal(8000 + scale * 10)),
        "land_leased_mu": "50", "rent_paid": "4000", "dividends_paid": "0", "take_home_pay": str(300 + month * 10),
        "sessions_held": str(month), "anchors_trained": "1", "brands_incubated": "0",
    }


def load(*, user) -> list[str]:
    """Open the periods and write the demo reporters' reports; a second run adds nothing."""
    if Period.objects.filter(month=MONTHS[0]).exists():
        return []
    periods = [services.period_open(month=month, opens_on=month, due_on=month.replace(day=10)) for month in MONTHS]
    reporters = get_user_model().objects.filter(role=Role.REPORTER, username__in=["enterprise_a", "enterprise_b"])
    counted = 0
    for scale, reporter in enumerate(reporters.order_by("username"), start=30):
        for period in periods:
            report = services.report_start(user=reporter, period=period)
            if period.month == MONTHS[-1]:
                if reporter.username == "enterprise_b":
                    services.report_save_draft(user=reporter, report=report, data={"sales": "41000"},
                                               version=report.version)
                continue
            report = services.report_submit(user=reporter, report=report, version=report.version,
                                            data=_figures(scale, period.month.month))
            if period.month == MONTHS[-2]:
                if reporter.username == "enterprise_b":
                    services.report_return(user=user, report=report, version=report.version, comment="请核对",
                                           field_comments={"wages_paid": "工资总额与就业人数不符，请核对。"})
            else:
                services.report_approve(user=user, report=report, version=report.version)
            counted += 1
    # The bureau has closed every month but the last.
    for period in periods[:-1]:
        services.period_set_open(period=period, is_open=False)
    return [f"reports: {len(periods)} periods, {counted} reports submitted"]
