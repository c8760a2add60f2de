"""Every write to the livestream registry. The admin, the imports and the API call these."""
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xuchang_ecom.accounts.models import Organisation
from xuchang_ecom.accounts.services import organisation_create
from xuchang_ecom.accounts.validators import normalise_uscc
from xuchang_ecom.common.services import check_in_scope, scoped_delete, scoped_save, scoped_update
from xuchang_ecom.regions.models import Region

from .models import Agency, Anchor, AnchorAccount, Base, Brand, Cluster, Contest, Platform, Session, Training


@transaction.atomic
def platform_create(*, name: str, is_cross_border: bool = False) -> Platform:
    platform = Platform(name=name.strip(), is_cross_border=is_cross_border)
    platform.full_clean()
    platform.save()
    return platform


def cluster_create(*, user, name: str, region: Region, lead_industry: str, planned_on: date | None = None,
                   recognised_on: date | None = None, revoked_on: date | None = None, note: str = "") -> Cluster:
    cluster = Cluster(name=name.strip(), region=region, lead_industry=lead_industry.strip(), planned_on=planned_on,
                      recognised_on=recognised_on, revoked_on=revoked_on, note=note)
    return scoped_save(user=user, instance=cluster)


def base_create(*, user, name: str, region: Region, kind: str, operator: Organisation | None = None,
                cluster: Cluster | None = None, opened_on: date | None = None, closed_on: date | None = None,
                committed_sessions_per_month: int | None = None, platforms=()) -> Base:
    base = Base(name=name.strip(), region=region, kind=kind, operator=operator, cluster=cluster,
                opened_on=opened_on, closed_on=closed_on, committed_sessions_per_month=committed_sessions_per_month)
    return scoped_save(user=user, instance=base, m2m={"platforms": platforms})


@transaction.atomic
def agency_create(*, user, name: str, region: Region, uscc: str | None = None, supported_on: date | None = None,
                  support_batch: str = "", support_ended_on: date | None = None) -> Agency:
    """Register an agency and, unless its credit code is already known, its organisation.

    Raises ValidationError if the organisation is already registered as an agency or
    lies outside the user's area.
    """
    code = normalise_uscc(uscc or "")
    organisation = Organisation.objects.filter(uscc=code).first() if code else None
    if organisation is None:
        organisation = Organisation(name=name.strip(), region=region, uscc=code or None)
    elif hasattr(organisation, "livestream_agency"):
        raise ValidationError({"uscc": _("An agency with this credit code is already registered.")})
    agency = Agency(organisation=organisation, supported_on=supported_on, support_batch=support_batch,
                    support_ended_on=support_ended_on)
    # The organisation is saved only once the user may keep an agency where it is.
    check_in_scope(user=user, instance=agency)
    if organisation.pk is None:
        organisation = organisation_create(name=organisation.name, region=region, uscc=code or None)
        agency.organisation = organisation
    return scoped_save(user=user, instance=agency)


def brand_create(*, user, name: str, region: Region, owner: Organisation | None = None, category: str = "",
                 incubated_by_base: Base | None = None, incubated_by_agency: Agency | None = None,
                 incubated_on: date | None = None) -> Brand:
    brand = Brand(name=name.strip(), region=region, owner=owner, category=category, incubated_by_base=incubated_by_base,
                  incubated_by_agency=incubated_by_agency, incubated_on=incubated_on)
    return scoped_save(user=user, instance=brand)


@transaction.atomic
def anchor_create(*, user, display_name: str, region: Region, real_name: str = "", mobile: str = "",
                  agency: Agency | None = None, cultivated_on: date | None = None, left_on: date | None = None,
                  accounts: dict[Platform, str] | None = None) -> Anchor:
    """Register an anchor with their platform accounts (platform -> account name)."""
    anchor = Anchor(display_name=display_name.strip(), region=region, real_name=real_name.strip(),
                    mobile="".join(mobile.split()), agency=agency, cultivated_on=cultivated_on, left_on=left_on)
    scoped_save(user=user, instance=anchor)
    for platform, account in (accounts or {}).items():
        link = AnchorAccount(anchor=anchor, platform=platform, account=account.strip())
        link.full_clean()
        link.save()
    return anchor


def session_create(*, user, started_at: datetime, platform: Platform, region: Region, kind: str,
                   base: Base | None = None, agency: Agency | None = None, anchors=(), title: str = "",
                   product_category: str = "", orders: int = 0, sales: Decimal = Decimal(0),
                   quantity: Decimal | None = None, quantity_unit: str = "") -> Session:
    session = Session(started_at=started_at, platform=platform, region=region, kind=kind, base=base, agency=agency,
                      title=title, product_category=product_category, orders=orders, sales=sales,
                      quantity=quantity, quantity_unit=quantity_unit)
    return scoped_save(user=user, instance=session, m2m={"anchors": anchors})


def training_create(*, user, held_on: date, title: str, organiser: str, region: Region, trainees: int = 0,
                    anchors_trained: int = 0) -> Training:
    training = Training(held_on=held_on, title=title, organiser=organiser, region=region, trainees=trainees,
                        anchors_trained=anchors_trained)
    return scoped_save(user=user, instance=training)


def contest_create(*, user, held_on: date, title: str, organiser: str, region: Region, entrants: int = 0,
                   winners: int = 0) -> Contest:
    contest = Contest(held_on=held_on, title=title, organiser=organiser, region=region, entrants=entrants,
                      winners=winners)
    return scoped_save(user=user, instance=contest)


def record_update(*, user, instance, data: dict, m2m: dict | None = None):
    """Change any livestream record (the admin and the imports use this for every type)."""
    return scoped_update(user=user, instance=instance, data=data, m2m=m2m)


def record_delete(*, user, instance) -> None:
    scoped_delete(user=user, instance=instance)
