"""Model pieces the registries share: validity in time, the constraints that go with it,
and fields' labels."""
from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.common.constraints import CheckConstraint


def valid_on(as_of: date, start: str, end: str) -> Q:
    """Rows that had started on ``as_of`` and had not yet ended (the end day excluded)."""
    return Q(**{f"{start}__lte": as_of}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": as_of}))


def dates_in_order(start: str, end: str, name: str) -> models.CheckConstraint:
    """A constraint that ``end`` is not before ``start`` (either may be empty); its error
    belongs to ``end``."""
    return CheckConstraint(
        condition=Q(**{f"{end}__isnull": True})
        | Q(**{f"{start}__isnull": True})
        | Q(**{f"{end}__gte": models.F(start)}),
        name=name, field=end,
        violation_error_message=_("An end date cannot be earlier than its start date."),
    )


def field_label(model, field_name: str):
    """The verbose name of ``model``'s field ``field_name`` (lazy)."""
    return model._meta.get_field(field_name).verbose_name
