"""Which figures an organisation reports, by what it is.

Each registry app registers a group of figures with a test of whether an organisation
belongs to it (``livestream`` for agencies and base operators, ``poverty`` for
poverty-alleviation enterprises); every organisation reports sales and orders.
"""
from collections.abc import Callable
from dataclasses import dataclass

from xuchang_ecom.accounts.models import Organisation

COMMON_FIELDS = ("sales", "orders")
#: Figures that are counts (whole numbers); the rest are amounts.
COUNT_FIELDS = ("orders", "poor_employed", "sessions_held", "anchors_trained", "brands_incubated")


@dataclass(frozen=True)
class FigureGroup:
    key: str
    label: str
    fields: tuple[str, ...]
    applies_to: Callable[[Organisation], bool]


_GROUPS: dict[str, FigureGroup] = {}


def register(group: FigureGroup) -> FigureGroup:
    _GROUPS[group.key] = group
    return group


def groups_for(organisation: Organisation) -> list[FigureGroup]:
    return [group for key, group in sorted(_GROUPS.items()) if group.applies_to(organisation)]


def fields_for(organisation: Organisation) -> tuple[str, ...]:
    """The figures ``organisation`` reports, in form order."""
    fields = list(COMMON_FIELDS)
    for group in groups_for(organisation):
        fields += [name for name in group.fields if name not in fields]
    return tuple(fields)


def all_fields() -> tuple[str, ...]:
    fields = list(COMMON_FIELDS)
    for group in _GROUPS.values():
        fields += [name for name in group.fields if name not in fields]
    return tuple(fields)

