"""The poverty-alleviation registry's metrics, registered under stable keys.

Figures about households (jobs, land, dividends, take-home work) are counted in the county
of the household's village; enterprises and bases in the county where they are.
"""
from datetime import date

from django.db.models import CharField, Count, Sum, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.common.metrics import Metric, per_county, register

from .models import Base, Dividend, Employment, Enterprise, Household, LandLease, TakeHomeWork

# One person however many jobs they hold: a household's members are told apart by name.
_PEOPLE = Count(Concat("household_id", Value("/"), "member_name", output_field=CharField()), distinct=True)


def _employed(as_of: date, **filters):
    return per_county(
        Employment.objects.active_on(as_of).filter(**filters), region_field="household__village", value=_PEOPLE
    )


ENTERPRISES = register(Metric(
    key="poverty.enterprises",
    label=_("Poverty-alleviation enterprises"),
    unit=_("enterprises"),
    query=lambda as_of: per_county(
        Enterprise.objects.recognised_by(as_of), region_field="organisation__region", value=Count("pk")
    ),
))
BASES = register(Metric(
    key="poverty.bases",
    label=_("Poverty-alleviation bases"),
    unit=_("bases"),
    query=lambda as_of: per_county(Base.objects.open_on(as_of), region_field="region", value=Count("pk")),
))
HOUSEHOLDS_BENEFITING = register(Metric(
    key="poverty.households_benefiting",
    label=_("Poor households benefiting"),
    unit=_("households"),
    query=lambda as_of: per_county(
        Household.objects.benefiting_on(as_of), region_field="village", value=Count("pk", distinct=True)
    ),
))
PEOPLE_EMPLOYED = register(Metric(
    key="poverty.people_employed",
    label=_("Poor or disabled people employed"),
    unit=_("people"),
    query=lambda as_of: _employed(as_of),
))
DISABLED_PEOPLE_EMPLOYED = register(Metric(
    key="poverty.disabled_people_employed",
    label=_("People with disabilities employed"),
    unit=_("people"),
    query=lambda as_of: _employed(as_of, is_disabled=True),
))
LAND_LEASED = register(Metric(
    key="poverty.land_leased_mu",
    label=_("Land leased from poor households"),
    unit=_("mu"),
    query=lambda as_of: per_county(
        LandLease.objects.active_on(as_of), region_field="household__village", value=Sum("area_mu")
    ),
))
RENT_PAID = register(Metric(
    key="poverty.rent_paid",
    label=_("Annual rent for land leased from poor households"),
    unit=_("yuan"),
    query=lambda as_of: per_county(
        LandLease.objects.active_on(as_of), region_field="household__village", value=Sum("annual_rent")
    ),
))
DIVIDENDS_PAID = register(Metric(
    key="poverty.dividends_paid",
    label=_("Dividends paid to poor households this year"),
    unit=_("yuan"),
    query=lambda as_of: per_county(
        Dividend.objects.paid_in_year_to(as_of), region_field="household__village", value=Sum("amount")
    ),
))
TAKE_HOME_PAY = register(Metric(
    key="poverty.take_home_pay",
    label=_("Pay for take-home work this year"),
    unit=_("yuan"),
    query=lambda as_of: per_county(
        TakeHomeWork.objects.paid_in_year_to(as_of), region_field="household__village", value=Sum("pay")
    ),
))
