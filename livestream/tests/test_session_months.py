"""The monthly session totals the roll-up keeps for the dashboard add up to the sessions."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from livestream import services
from livestream.models import SessionKind, SessionMonth
from livestream.tests.factories import PlatformFactory, SessionFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def totals() -> dict:
    return {(row.month, row.platform.name, row.kind): (row.sessions, row.orders, row.sales)
            for row in SessionMonth.objects.select_related("platform")}


def test_the_totals_add_up_sessions_by_month_platform_and_kind_in_the_citys_time_zone():
    douyin, kuaishou = PlatformFactory(name="抖音"), PlatformFactory(name="快手")
    # 23:30 on 31 May in Xuchang is still May, although it is 15:30 UTC.
    SessionFactory(platform=douyin, started_at=datetime(2021, 5, 31, 23, 30, tzinfo=SHANGHAI), orders=3,
                   sales=Decimal("300.50"))
    SessionFactory(platform=douyin, started_at=datetime(2021, 5, 2, 9, 0, tzinfo=SHANGHAI), orders=2,
                   sales=Decimal("200.00"))
    SessionFactory(platform=douyin, started_at=datetime(2021, 6, 1, 0, 10, tzinfo=SHANGHAI),
                   kind=SessionKind.PUBLIC_WELFARE, orders=1, sales=Decimal("10.00"))
    SessionFactory(platform=kuaishou, started_at=datetime(2021, 5, 20, 20, 0, tzinfo=SHANGHAI), orders=7,
                   sales=Decimal("70.00"))

    assert services.session_months_refresh() == 3
    assert totals() == {
        (date(2021, 5, 1), "抖音", SessionKind.COMMERCIAL): (2, 5, Decimal("500.50")),
        (date(2021, 6, 1), "抖音", SessionKind.PUBLIC_WELFARE): (1, 1, Decimal("10.00")),
        (date(2021, 5, 1), "快手", SessionKind.COMMERCIAL): (1, 7, Decimal("70.00")),
    }


def test_refreshing_again_changes_nothing_and_drops_a_month_whose_sessions_are_gone():
    may = SessionFactory(started_at=datetime(2021, 5, 2, 9, 0, tzinfo=SHANGHAI))
    SessionFactory(started_at=datetime(2021, 7, 2, 9, 0, tzinfo=SHANGHAI), platform=may.platform)
    services.session_months_refresh()
    before = totals()
    services.session_months_refresh()
    assert totals() == before

    may.delete()
    services.session_months_refresh()
    assert [month for month, _, _ in totals()] == [date(2021, 7, 1)]


def test_the_differences_name_each_month_changed_since_the_last_refresh():
    session = SessionFactory(started_at=datetime(2021, 5, 2, 9, 0, tzinfo=SHANGHAI), sales=Decimal("1000.00"))
    services.session_months_refresh()
    assert services.session_months_differences() == []

    SessionFactory(started_at=datetime(2021, 8, 2, 9, 0, tzinfo=SHANGHAI), platform=session.platform)
    session.sales = Decimal("1500.00")
    session.save()
    differences = services.session_months_differences()
    assert len(differences) == 2
    assert differences[0].startswith("sessions 2021-05")
    assert "computed 1 sessions, 10 orders, 1500.00 yuan" in differences[0]
    assert differences[1].startswith("sessions 2021-08") and "stored none" in differences[1]
