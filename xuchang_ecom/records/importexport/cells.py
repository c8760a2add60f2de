"""What one spreadsheet cell holds, as every import and export reads and writes it.

Exports neutralise spreadsheet formulas with a leading ``'`` (``escape_formula``); imports
remove it again (``unescape_formula``), so an exported file re-imports unchanged. A cell is
read as trimmed text (``cell_text``), and a header or a choice's label may come in any
configured language (``in_every_language``).
"""
from typing import Any

from django.conf import settings
from django.utils import translation

# Cells starting with one of these are formulas (or become one) in Excel and LibreOffice.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
TEXT_PREFIX = "'"


def escape_formula(value: Any) -> Any:
    """Return ``value`` with a ``'`` in front if a spreadsheet would read it as a formula.

    Text already starting with ``'`` is prefixed too, so ``unescape_formula`` gives back
    exactly what was exported.
    """
    if isinstance(value, str) and value.startswith((*FORMULA_TRIGGERS, TEXT_PREFIX)):
        return TEXT_PREFIX + value
    return value


def unescape_formula(value: Any) -> Any:
    """Return ``value`` without the ``'`` that ``escape_formula`` added (other text as is)."""
    if (
        isinstance(value, str)
        and value.startswith(TEXT_PREFIX)
        and value[1:].startswith((*FORMULA_TRIGGERS, TEXT_PREFIX))
    ):
        return value[1:]
    return value


def cell_text(value: Any) -> str:
    """The cell as trimmed text; whole floats (Excel's numbers) lose their ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def in_every_language(text) -> set[str]:
    """``text`` (a lazy translation) rendered in the active and every configured language."""
    rendered = {str(text)}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            rendered.add(str(text))
    return rendered
