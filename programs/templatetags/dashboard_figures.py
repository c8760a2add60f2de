"""Figures of the public dashboard in the unit its headers name."""
from decimal import Decimal

from django import template

from xuchang_ecom.common.templatetags.figures import figure

register = template.Library()

TEN_THOUSAND = Decimal(10_000)


@register.filter
def wan(value) -> str:
    """An amount in yuan shown in 万元 (ten thousand yuan), to two decimals, thousands
    grouped, so a column's figures line up: ``Decimal("16121000")`` → ``1,612.10``; None → ``—``.
    The header names the unit."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(value) / TEN_THOUSAND:,.2f}"


@register.filter
def with_rows(values, rows) -> list[tuple]:
    """Each figure of a county's list with the target or indicator row it belongs to, for
    ``{% for value, row in county.targets|with_rows:data.targets %}``."""
    return list(zip(values, rows, strict=False))


@register.filter
def in_unit(value, row) -> str:
    """A figure of ``row``'s metric as its table shows it: amounts in yuan in 万元 (the header
    says so, see ``table_unit``), the rest as they are."""
    return wan(value) if row.get("in_wan") else figure(value)
