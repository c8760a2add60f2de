"""A small reporting world: an enterprise in 长葛市 and one in 禹州市, each with a reporter."""
from datetime import date

from poverty.tests.factories import enterprise
from xuchang_ecom.accounts.tests.factories import reporter
from xuchang_ecom.reporting import services
from xuchang_ecom.reporting.models import Period

POVERTY_FIGURES = {
    "sales": "120000.50", "orders": "300", "poor_employed": "12", "wages_paid": "24000",
    "land_leased_mu": "50.5", "rent_paid": "40000", "dividends_paid": "0", "take_home_pay": "1500",
}


def period(month: date, *, is_open: bool = True) -> Period:
    existing = Period.objects.filter(month=month).first()
    if existing:
        return existing
    due = month.replace(day=10)
    opened = services.period_open(month=month, opens_on=month, due_on=due)
    return services.period_set_open(period=opened, is_open=is_open) if not is_open else opened


def enterprise_reporter(city_user, username: str, *, county: str = "长葛市", name: str | None = None):
    """A reporter of a new poverty-alleviation enterprise in ``county``."""
    organisation = enterprise(city_user, name=name or f"示例带贫企业{username}", county=county).organisation
    return reporter(username, organisation=organisation)
