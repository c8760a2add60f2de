"""Every write to the registry. The admin, the import and the API all call these."""
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xuchang_ecom.records.services import check_in_scope, scoped_delete, scoped_save, scoped_update
from xuchang_ecom.regions.models import Region

from .models import KIND_LEVEL, Designation, Honour, SourceReport

DESIGNATION_FIELDS = (
    "place", "kind", "year", "source", "main_products", "online_shops", "online_sales",
    "local_model", "note",
)


def designation_check(*, user, designation: Designation) -> None:
    """Raise ValidationError unless ``user`` may record ``designation`` as it stands.

    Forms and imports call this before saving, so they show the same errors as the API.
    """
    check_in_scope(user=user, instance=designation)
    if KIND_LEVEL.get(designation.kind) != designation.place.level:
        raise ValidationError(
            {"place": _("A Taobao village must be a village and a Taobao town a township.")}
        )


def _normalise_products(value: str) -> str:
    parts = [p.strip() for p in (value or "").replace(",", "、").replace("，", "、").split("、")]
    return "、".join(p for p in parts if p)


def designation_create(
    *,
    user,
    place: Region,
    kind: str,
    year: int,
    source: SourceReport,
    main_products: str = "",
    online_shops: int | None = None,
    online_sales: Decimal | None = None,
    local_model: str = "",
    note: str = "",
) -> Designation:
    """Record a designation; raises ValidationError (in Chinese) for bad or out-of-scope input."""
    designation = Designation(
        place=place, kind=kind, year=year, source=source,
        main_products=_normalise_products(main_products), online_shops=online_shops,
        online_sales=online_sales, local_model=local_model.strip(), note=note,
    )
    designation_check(user=user, designation=designation)
    return scoped_save(user=user, instance=designation)


@transaction.atomic
def designation_update(*, user, designation: Designation, data: dict) -> Designation:
    """Change the given fields; the new place must also be inside the user's scope."""
    check_in_scope(user=user, instance=designation)
    unknown = set(data) - set(DESIGNATION_FIELDS)
    if unknown:
        raise ValueError(f"Unknown designation fields: {sorted(unknown)}")
    for field, value in data.items():
        if field == "main_products":
            value = _normalise_products(value)
        setattr(designation, field, value)
    designation_check(user=user, designation=designation)
    designation.full_clean()
    designation.save()
    return designation


@transaction.atomic
def designation_delete(*, user, designation: Designation) -> None:
    scoped_delete(user=user, instance=designation)


@transaction.atomic
def honour_create(*, user, place: Region, year: int, title: str, source: SourceReport | None = None) -> Honour:
    return scoped_save(user=user, instance=Honour(place=place, year=year, title=title.strip(), source=source))


def honour_update(*, user, honour: Honour, data: dict) -> Honour:
    """Change the given fields of an honour; raises ValidationError."""
    if "title" in data:
        data = {**data, "title": data["title"].strip()}
    return scoped_update(user=user, instance=honour, data=data)


def honour_delete(*, user, honour: Honour) -> None:
    scoped_delete(user=user, instance=honour)


@transaction.atomic
def source_report_create(*, title: str, year: int, publisher: str = "", published_on: date | None = None
                         ) -> SourceReport:
    """A new source report (a published list); returns it saved. Raises ValidationError,
    for a title already registered among others."""
    report = SourceReport(title=title.strip(), year=year, publisher=publisher.strip(), published_on=published_on)
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def source_report_get_or_create(*, title: str, year: int, publisher: str = "") -> SourceReport:
    report = SourceReport.objects.filter(title=title.strip()).first()
    return report or source_report_create(title=title, year=year, publisher=publisher)


@transaction.atomic
def source_report_update(*, report: SourceReport, data: dict) -> SourceReport:
    """Change ``report``'s fields to ``data``; returns it saved. Raises ValidationError."""
    for name, value in data.items():
        setattr(report, name, value.strip() if name in ("title", "publisher") else value)
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def source_report_delete(*, report: SourceReport) -> None:
    """Delete ``report``. Raises ValidationError while designations or honours name it as
    their source: the registry says where each of them was published."""
    if report.designations.exists() or report.honours.exists():
        raise ValidationError(_("Designations or honours in the registry name “%(report)s” as their source: it "
                                "cannot be deleted.") % {"report": report}, code="cited")
    report.delete()
