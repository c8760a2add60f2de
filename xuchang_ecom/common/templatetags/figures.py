"""Figures as people read them: whole numbers without ``.00``, thousands grouped."""
from decimal import Decimal

from django import template
from django.utils import translation

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


@register.filter
def short_figure(value) -> str:
    """A figure the Chinese way when large: ``12345`` → ``1.23万``, ``234000000`` → ``2.34亿``
    (in English: ``12,345``). The full figure belongs in a title or a table beside it."""
    if value is None or value == "":
        return "—"
    number = Decimal(value)
    if translation.get_language().startswith("zh"):
        for size, unit in ((Decimal(100_000_000), "亿"), (Decimal(10_000), "万")):
            if abs(number) >= size:
                return f"{(number / size).quantize(Decimal('0.01')).normalize():f}{unit}"
    return figure(number)
