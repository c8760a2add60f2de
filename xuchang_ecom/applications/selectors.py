"""Reading applications as a user may see them: a reporter their organisation's, county
staff their county's, city staff all; anything else answers 404 as if it did not exist."""
from datetime import date
from decimal import Decimal

from django.db.models import Avg, Count, F, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from xuchang_ecom.accounts.models import Organisation
from xuchang_ecom.reporting.groups import members_of
from xuchang_ecom.reporting.models import Report

from .grants import get_kind
from .models import Application, ApplicationStatus, Call, Conflict


def application_list(*, user) -> QuerySet:
    return Application.objects.visible_to(user).select_related("call", "organisation__region")


def application_get(*, user, pk: int) -> Application:
    application = application_list(user=user).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


def eligibility_problem(*, call: Call, organisation: Organisation) -> str | None:
    """Why ``organisation`` may not apply to ``call`` (in the user's language), or None."""
    if not members_of(call.organisation_groups).filter(pk=organisation.pk).exists():
        return _("This call is not for organisations of your type.")
    counties = {county.pk for county in call.counties.all()}  # prefetched by calls_for
    if counties and organisation.region.county_id not in counties:
        return _("This call is not open to organisations in %(county)s.") % {"county": organisation.region.county}
    kind = get_kind(call.kind)
    if kind.subjects is not None and not kind.subjects(organisation).exists():
        return _("Your organisation has nothing registered that this call is for (%(kind)s).") % {"kind": kind.label}
    return None


def calls_for(*, organisation: Organisation, day: date | None = None) -> list[tuple[Call, str | None]]:
    """Published calls open on ``day`` (today), each with why ``organisation`` may not apply (or None)."""
    day = day or timezone.localdate()
    calls = Call.objects.published().filter(opens_on__lte=day, closes_on__gte=day).prefetch_related("counties")
    return [(call, eligibility_problem(call=call, organisation=organisation)) for call in calls]


def figures_period(*, call: Call) -> tuple[date, date]:
    """The months whose approved reports pre-fill ``call``'s figures, the twelve before the
    month it opens: the first day of the first month and of the month after the last."""
    end = call.opens_on.replace(day=1)
    return end.replace(year=end.year - 1), end


def figure_text(name: str, value) -> str:
    """A report figure as an application stores and shows it: amounts to the field's decimal places."""
    field = Report._meta.get_field(name)
    if isinstance(value, Decimal):
        return f"{value.quantize(Decimal(1).scaleb(-field.decimal_places)):f}"
    return str(value)


def report_totals(*, organisation: Organisation, call: Call) -> dict[str, str]:
    """Each figure ``call`` asks for, summed over the organisation's approved reports of the
    call's ``figures_period`` (as text, see ``figure_text``): what an application is
    pre-filled with. A figure no approved report of the period gives is left out."""
    if not call.figures:
        return {}
    start, end = figures_period(call=call)
    totals = (Report.objects.approved()
              .filter(organisation=organisation, period__month__gte=start, period__month__lt=end)
              .aggregate(**{name: Sum(name) for name in call.figures}))
    return {name: figure_text(name, value) for name, value in totals.items() if value is not None}


def has_conflict(*, user, organisation: Organisation) -> bool:
    """Whether ``user`` is linked to ``organisation`` (bound to it, or a declared link)."""
    return user.organisation_id == organisation.pk or Conflict.objects.filter(
        user=user, organisation=organisation).exists()


def ranking(*, user, call: Call) -> list[Application]:
    """The call's submitted and decided applications the user may see, best average score
    first (unscored last), each with ``average``, ``evaluators`` and its county opinion."""
    applications = (
        application_list(user=user)
        .filter(call=call).exclude(status=ApplicationStatus.DRAFT)
        .select_related("county_opinion")
        .annotate(average=Avg("evaluations__total"), evaluators=Count("evaluations", distinct=True))
        .order_by(F("average").desc(nulls_last=True), "organisation__name")
    )
    return list(applications)
