"""Which figures an organisation reports, by what it is.

Each registry app registers a group of figures with the organisations that report them
(``livestream`` for agencies and base operators, ``poverty`` for poverty-alleviation
enterprises); every organisation reports sales and orders. The organisations of all groups
are the ones expected to report each month.
"""
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from xuchang_ecom.accounts.models import Organisation
from xuchang_ecom.common.registry import Registry

COMMON_FIELDS = ("sales", "orders")
#: Figures that are counts (whole numbers); the rest are amounts.
COUNT_FIELDS = ("orders", "poor_employed", "sessions_held", "anchors_trained", "brands_incubated")


@dataclass(frozen=True)
class FigureGroup:
    key: str
    label: str
    fields: tuple[str, ...]
    #: The condition on Organisation for belonging to the group.
    members: Callable[[], Q]

    def applies_to(self, organisation: Organisation) -> bool:
        return Organisation.objects.filter(self.members(), pk=organisation.pk).exists()


#: The groups by key. A registry app registers its group when it starts; a second group
#: under a key already taken is refused (ValueError) rather than silently replacing it.
GROUPS: Registry[FigureGroup] = Registry("figure group")
register = GROUPS.register


def groups_for(organisation: Organisation) -> list[FigureGroup]:
    return [group for group in GROUPS.all() if group.applies_to(organisation)]


def fields_for(organisation: Organisation) -> tuple[str, ...]:
    """The figures ``organisation`` reports, in form order."""
    fields = list(COMMON_FIELDS)
    for group in groups_for(organisation):
        fields += [name for name in group.fields if name not in fields]
    return tuple(fields)


def expected_organisations() -> QuerySet:
    """The organisations expected to report: members of any group."""
    condition = Q(pk__in=[])
    for group in GROUPS.all():
        condition |= group.members()
    return Organisation.objects.filter(condition).distinct()


def group_choices() -> list[tuple[str, str]]:
    """``(key, label)`` of every group, for choosing kinds of organisation."""
    return [(group.key, group.label) for group in GROUPS.all()]


def members_of(keys) -> QuerySet:
    """The organisations in any of the groups ``keys``; with none given, every expected one."""
    if not keys:
        return expected_organisations()
    condition = Q(pk__in=[])
    for group in GROUPS.all():
        if group.key in keys:
            condition |= group.members()
    return Organisation.objects.filter(condition).distinct()


def figure_choices() -> list[tuple[str, str]]:
    """``(field, label)`` of every figure any organisation reports, in form order."""
    from .models import Report

    fields = list(COMMON_FIELDS)
    for group in GROUPS.all():
        fields += [name for name in group.fields if name not in fields]
    return [(name, Report._meta.get_field(name).verbose_name) for name in fields]
