"""Every write to the livestream registry. The admin, the imports and the API call these."""
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuchang_ecom.accounts.models import Organisation
from xuchang_ecom.accounts.services import organisation_create, organisation_find_or_build
from xuchang_ecom.common.bulk import save_later
from xuchang_ecom.records.services import organisation_record_check, scoped_delete, scoped_save, scoped_update
from xuchang_ecom.regions.models import Region

from .models import (
    Agency,
    Anchor,
    AnchorAccount,
    Base,
    BaseKind,
    Brand,
    Cluster,
    Contest,
    Platform,
    Session,
    SessionMonth,
    Training,
)


@transaction.atomic
def platform_create(*, name: str, is_cross_border: bool = False) -> Platform:
    platform = Platform(name=name.strip(), is_cross_border=is_cross_border)
    platform.full_clean()
    platform.save()
    return platform


@transaction.atomic
def platform_update(*, platform: Platform, data: dict) -> Platform:
    """Change a platform's fields to ``data``; returns it saved. Raises ValidationError.

    Platforms belong to no place: who may change them is decided by permissions alone.
    """
    for name, value in data.items():
        setattr(platform, name, value.strip() if name == "name" else value)
    platform.full_clean()
    platform.save()
    return platform


@transaction.atomic
def platform_delete(*, platform: Platform) -> None:
    """Delete ``platform``. Raises ValidationError while sessions or anchors' accounts are
    on it: they keep their platform, and a platform no longer used is retired instead."""
    if AnchorAccount.objects.filter(platform=platform).exists() or platform.sessions.exists():
        raise ValidationError(_("Sessions or anchors' accounts are on %(platform)s: it cannot be deleted. Untick "
                                "“in use” to retire it.") % {"platform": platform}, code="used")
    platform.delete()


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


def agency_build(*, name: str, region: Region | None, uscc: str | None = None, supported_on: date | None = None,
                 support_batch: str = "", support_ended_on: date | None = None) -> Agency:
    """An unsaved agency for these details. Its organisation is the one registered under
    credit code ``uscc`` or, when there is none, a new unsaved one."""
    organisation = organisation_find_or_build(name=name, region=region, uscc=uscc)
    return Agency(organisation=organisation, supported_on=supported_on, support_batch=support_batch,
                  support_ended_on=support_ended_on)


def agency_check(*, user, agency: Agency) -> None:
    """Raise ValidationError unless ``user`` may register ``agency`` (see ``agency_build``).

    Forms and imports call this before saving. Besides refusing an organisation already
    registered as an agency, it is ``common.services.organisation_record_check``: errors
    about the organisation are keyed by its fields (``name``, ``uscc``, ``region``), the
    others by the agency's.
    """
    organisation = agency.organisation
    if agency.pk is None and organisation.pk is not None and hasattr(organisation, "livestream_agency"):
        raise ValidationError({"uscc": _("An agency with this credit code is already registered.")})
    organisation_record_check(user=user, record=agency)


@transaction.atomic
def agency_create(*, user, name: str, region: Region, uscc: str | None = None, supported_on: date | None = None,
                  support_batch: str = "", support_ended_on: date | None = None) -> Agency:
    """Register an agency and, unless its credit code is already known, its organisation.

    Raises ValidationError if the organisation is already registered as an agency, lies
    outside the user's area, or its details are invalid.
    """
    agency = agency_build(name=name, region=region, uscc=uscc, supported_on=supported_on,
                          support_batch=support_batch, support_ended_on=support_ended_on)
    # The organisation is saved only once the user may keep an agency where it is.
    agency_check(user=user, agency=agency)
    organisation = agency.organisation
    if organisation.pk is None:
        agency.organisation = organisation_create(name=organisation.name, region=organisation.region,
                                                  uscc=organisation.uscc)
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
        if not save_later(link):  # else written with the anchor's batch, after it (an import)
            link.full_clean()
            link.save()
    return anchor


@transaction.atomic
def anchor_update(*, user, anchor: Anchor, data: dict, accounts: dict[Platform, str] | None = None) -> Anchor:
    """Change an anchor's fields to ``data`` and, unless ``accounts`` is None, make its
    platform accounts exactly ``accounts``. Returns the anchor; raises ValidationError."""
    data = dict(data)
    if "display_name" in data:
        data["display_name"] = data["display_name"].strip()
    if "real_name" in data:
        data["real_name"] = data["real_name"].strip()
    if "mobile" in data:
        data["mobile"] = "".join(data["mobile"].split())
    record_update(user=user, instance=anchor, data=data)
    if accounts is not None:
        _accounts_set(anchor=anchor, accounts=accounts)
    return anchor


def _accounts_set(*, anchor: Anchor, accounts: dict[Platform, str]) -> None:
    anchor.accounts.exclude(platform__in=list(accounts)).delete()
    for platform, account in accounts.items():
        link = anchor.accounts.filter(platform=platform).first() or AnchorAccount(anchor=anchor, platform=platform)
        link.account = account.strip()
        link.full_clean()
        link.save()


def session_create(*, user, started_at: datetime, platform: Platform, region: Region, kind: str,
                   base: Base | None = None, agency: Agency | None = None, anchors=(), title: str = "",
                   product_category: str = "", orders: int = 0, sales: Decimal = Decimal(0),
                   quantity: Decimal | None = None, quantity_unit: str = "") -> Session:
    session = Session(started_at=started_at, platform=platform, region=region, kind=kind, base=base, agency=agency,
                      title=title, product_category=product_category, orders=orders, sales=sales,
                      quantity=quantity, quantity_unit=quantity_unit)
    return scoped_save(user=user, instance=session, m2m={"anchors": anchors})


CENT = Decimal("0.01")


def session_months_compute() -> dict[tuple, tuple[int, int, Decimal]]:
    """(month, platform id, kind) -> (sessions, orders, sales), added up from the sessions
    in one query."""
    return {
        (row["month"].date(), row["platform"], row["kind"]): (row["sessions"], int(row["orders"] or 0),
                                                             Decimal(row["sales"] or 0).quantize(CENT))
        for row in Session.objects.monthly_totals(by=("platform", "kind"))
    }


def session_months_refresh() -> int:
    """Rebuild the monthly session totals from the sessions; returns how many rows they hold.

    Idempotent and safe on two workers at once: rows are upserted in key order, then the
    ones this run did not write (months, platforms or kinds with no sessions left) go.
    """
    now = timezone.now()
    rows = [
        SessionMonth(month=month, platform_id=platform, kind=kind, sessions=sessions, orders=orders, sales=sales,
                     computed_at=now)
        for (month, platform, kind), (sessions, orders, sales) in sorted(session_months_compute().items())
    ]
    with transaction.atomic():
        SessionMonth.objects.bulk_create(
            rows, batch_size=1000, update_conflicts=True, unique_fields=["month", "platform", "kind"],
            update_fields=["sessions", "orders", "sales", "computed_at"],
        )
        SessionMonth.objects.exclude(computed_at=now).delete()
    return len(rows)


def session_months_differences() -> list[str]:
    """Each stored monthly total that differs from the sessions, for ``rollup --check``."""
    computed = session_months_compute()
    stored = {(row.month, row.platform_id, row.kind): (row.sessions, row.orders, row.sales)
              for row in SessionMonth.objects.all()}

    def shown(totals):
        return "none" if totals is None else "{} sessions, {} orders, {} yuan".format(*totals)

    return [f"sessions {month:%Y-%m} platform {platform} {kind}: stored {shown(stored.get(key))}, "
            f"computed {shown(computed.get(key))}"
            for key in sorted(computed.keys() | stored.keys()) for month, platform, kind in [key]
            if computed.get(key) != stored.get(key)]


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


def agency_support(*, user, agency: Agency, on: date, batch: str = "") -> Agency:
    """Recognise ``agency`` as a supported demonstration agency from ``on``, in ``batch``."""
    return scoped_update(user=user, instance=agency, data={"supported_on": on, "support_batch": batch,
                                                           "support_ended_on": None})


def cluster_recognise(*, user, cluster: Cluster, on: date) -> Cluster:
    """Recognise ``cluster`` as a livestream industry cluster from ``on``."""
    return scoped_update(user=user, instance=cluster, data={"recognised_on": on, "revoked_on": None})


def base_make_check_in(*, user, base: Base) -> Base:
    """List ``base`` as an influencer check-in base."""
    return scoped_update(user=user, instance=base, data={"kind": BaseKind.CHECK_IN})


def brand_incubate(*, user, brand: Brand, on: date) -> Brand:
    """Count ``brand`` as incubated from ``on``."""
    return scoped_update(user=user, instance=brand, data={"incubated_on": on})


def anchor_certify(*, user, anchor: Anchor, on: date) -> Anchor:
    """Count ``anchor`` as cultivated (certified) from ``on``."""
    return scoped_update(user=user, instance=anchor, data={"cultivated_on": on, "left_on": None})


def record_update(*, user, instance, data: dict, m2m: dict | None = None):
    """Change any livestream record (the admin and the imports use this for every type)."""
    return scoped_update(user=user, instance=instance, data=data, m2m=m2m)


def record_delete(*, user, instance) -> None:
    scoped_delete(user=user, instance=instance)
