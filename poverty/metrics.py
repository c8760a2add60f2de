"""The poverty-alleviation registry's metrics, registered under stable keys.

Figures about households (jobs, land, dividends, take-home work) are counted in the county
of the household's village; enterprises and bases in the county where they are.
"""
from datetime import date

from django.db.models import CharField, Count, Sum, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.common.metrics import Metric, Source, register, register_source

from .models import Base, Dividend, Employment, Enterprise, Household, LandLease, TakeHomeWork

# A write to any record of this registry asks for a roll-up (programs.triggers).
register_source(Source("poverty"))

# One person however many jobs they hold: a household's members are told apart by name.
_PEOPLE = Count(Concat("household_id", Value("/"), "member_name", output_field=CharField()), distinct=True)


def _disabled_employed(as_of: date):
    return Employment.objects.active_on(as_of).filter(is_disabled=True)


ENTERPRISES = register(Metric(
    key="poverty.enterprises",
    label=_("Poverty-alleviation enterprises"),
    unit=_("enterprises"),
    records=Enterprise.objects.recognised_by,
    region_field="organisation__region",
))
BASES = register(Metric(
    key="poverty.bases",
    label=_("Poverty-alleviation bases"),
    unit=_("bases"),
    records=Base.objects.open_on,
    region_field="region",
))
HOUSEHOLDS_BENEFITING = register(Metric(
    key="poverty.households_benefiting",
    label=_("Poor households benefiting"),
    unit=_("households"),
    records=Household.objects.benefiting_on,
    region_field="village",
))
PEOPLE_EMPLOYED = register(Metric(
    key="poverty.people_employed",
    label=_("Poor or disabled people employed"),
    unit=_("people"),
    records=Employment.objects.active_on,
    region_field="household__village",
    value=_PEOPLE,
))
DISABLED_PEOPLE_EMPLOYED = register(Metric(
    key="poverty.disabled_people_employed",
    label=_("People with disabilities employed"),
    unit=_("people"),
    records=_disabled_employed,
    region_field="household__village",
    value=_PEOPLE,
))
LAND_LEASED = register(Metric(
    key="poverty.land_leased_mu",
    label=_("Land leased from poor households"),
    unit=_("mu"),
    records=LandLease.objects.active_on,
    region_field="household__village",
    value=Sum("area_mu"),
))
RENT_PAID = register(Metric(
    key="poverty.rent_paid",
    label=_("Annual rent for land leased from poor households"),
    unit=_("yuan"),
    records=LandLease.objects.active_on,
    region_field="household__village",
    value=Sum("annual_rent"),
))
DIVIDENDS_PAID = register(Metric(
    key="poverty.dividends_paid",
    label=_("Dividends paid to poor households this year"),
    unit=_("yuan"),
    records=Dividend.objects.paid_in_year_to,
    region_field="household__village",
    value=Sum("amount"),
))
TAKE_HOME_PAY = register(Metric(
    key="poverty.take_home_pay",
    label=_("Pay for take-home work this year"),
    unit=_("yuan"),
    records=TakeHomeWork.objects.paid_in_year_to,
    region_field="household__village",
    value=Sum("pay"),
))
