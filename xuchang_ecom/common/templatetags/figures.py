"""Figures as people read them: whole numbers without ``.00``, thousands grouped."""
from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def figure(value) -> str:
    """``Decimal("1234.50")`` → ``1,234.5``; ``Decimal("1000.00")`` → ``1,000``; None → ``—``."""
    if value is None or value == "":
        return "—"
    number = Decimal(value)
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():,f}"
