"""The widgets: how one cell becomes one value on import and how a value is written on export.

Text is trimmed; numbers accept thousands separators and Excel's ``2020.0`` (``parse_number``,
which the sessions' bulk import reads numbers with too); dates accept
Excel's date cells and the ways Chinese Excel writes dates to CSV. Places are written as
``长葛市/佛耳湖镇/岗李村`` and read by that path (with or without ``许昌市/``) or by the
12-digit statistical code; choices by their label in any language or their stored value;
other related rows by a natural field such as a title, among the rows the acting user may
see (another county's record is as unknown as a missing one). Nothing is created on the fly.
"""
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import widgets

from xuchang_ecom.records.importexport.cells import cell_text, in_every_language
from xuchang_ecom.records.services import visible_rows
from xuchang_ecom.regions.models import Region
from xuchang_ecom.regions.selectors import region_find

# A 12-digit code column beside a place column: either identifies the place.
REGION_CODE_COLUMN = Region._meta.get_field("code").verbose_name
# Excel shows numbers to 15 significant digits; a float's further digits are binary noise
# (1234.56 computed in a cell may be stored as 1234.5600000000002).
EXCEL_PRECISION = ".15g"
# A number of 10**31 or more is refused before anything converts it: no column holds it,
# and int() of 1E+1000000 alone takes half a minute.
MAX_NUMBER_EXPONENT = 30


class TextWidget(widgets.CharWidget):
    """Text, trimmed as the admin's forms trim it."""

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        return text.strip() if isinstance(text, str) else text


class WholeNumberWidget(widgets.IntegerWidget):
    """Integers; ``1,234`` and Excel's ``2020.0`` are accepted, ``2020.5`` is not."""

    message = _("Enter a whole number.")

    def clean(self, value, row=None, **kwargs):
        number = parse_number(value, self.message)
        if number is None:
            return None
        if number != number.to_integral_value():
            raise ValueError(str(self.message))
        return int(number)


class DecimalNumberWidget(widgets.DecimalWidget):
    """Decimals; ``1,234.50`` is accepted."""

    message = _("Enter a number.")

    def clean(self, value, row=None, **kwargs):
        return parse_number(value, self.message)


def parse_number(value: Any, message) -> Decimal | None:
    """The cell as a finite Decimal, None when blank; a float (Excel's numbers) by the 15
    digits Excel shows, never by its binary ones; text with or without thousands separators
    (``,``, ``，``, spaces).

    Raises ValueError(message) if it is not a number, or one of 10**31 or more
    (``MAX_NUMBER_EXPONENT``).
    """
    if value is None:
        return None
    if value.__class__ is float:
        number = Decimal(format(value, EXCEL_PRECISION))
    elif value.__class__ is int:
        number = Decimal(value)
    else:
        text = cell_text(value)
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            try:
                number = Decimal(text.replace(",", "").replace("，", "").replace(" ", ""))
            except InvalidOperation:
                raise ValueError(str(message)) from None
    if not number.is_finite() or number.adjusted() > MAX_NUMBER_EXPONENT:
        raise ValueError(str(message))
    return number


class DateCellWidget(widgets.DateWidget):
    """Dates: Excel's date cells, ``2021-05-01``, and ``2021/5/1`` or ``2021年5月1日`` as
    Chinese Excel writes them to CSV. Written as ``2021-05-01``."""

    message = _("Enter a date such as 2021-05-01.")
    INPUT_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")

    def __init__(self, **kwargs):
        super().__init__(format=None, **kwargs)
        self.formats = self.INPUT_FORMATS

    def clean(self, value, row=None, **kwargs) -> date | None:
        # Spreadsheet date cells arrive as datetimes (a datetime is also a date).
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = cell_text(value)
        if not text:
            return None
        try:
            return super().clean(text, row, **kwargs)
        except ValueError:
            raise ValueError(str(self.message)) from None


class ChoiceWidget(widgets.Widget):
    """A choice, written as its label; its label in any language or its stored value is read."""

    def __init__(self, choices, empty: Any = "", **kwargs):
        self.choices = list(choices)
        self.empty = empty
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return self.empty
        for stored, label in self.choices:
            if text == str(stored) or text in in_every_language(label):
                return stored
        raise ValueError(
            gettext("“%(value)s” is not one of: %(choices)s.")
            % {"value": text, "choices": "、".join(str(label) for _stored, label in self.choices)}
        )

    def render(self, value, obj=None, **kwargs):
        for stored, label in self.choices:
            if stored == value:
                return str(label)
        return "" if value is None else str(value)


class RegionWidget(widgets.Widget):
    """A place: written as ``长葛市/佛耳湖镇/岗李村``; read by path or 12-digit code.

    When the row also has the statistical-code column, a blank place is taken from it, and
    a place that disagrees with it is an error.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # A resource's fields are copied per instance, so this lives for one import:
        # a file names the same few places on thousands of rows.
        self._found: dict[str, Region | None] = {}

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        code = cell_text((row or {}).get(str(REGION_CODE_COLUMN)))
        if not text and not code:
            return None
        region = self._region_or_error(text or code)
        if text and code and self._region_or_error(code) != region:
            raise ValueError(
                gettext("The place “%(place)s” does not have the statistical code %(code)s.")
                % {"place": text, "code": code}
            )
        return region

    def render(self, value, obj=None, **kwargs):
        return value.display_path if value is not None else ""

    def _region_or_error(self, value: str) -> Region:
        if value not in self._found:
            self._found[value] = region_find(value=value)
        region = self._found[value]
        if region is None:
            raise ValueError(
                gettext(
                    "No place “%(value)s” was found: give its 12-digit statistical code or its "
                    "full path, e.g. 长葛市/佛耳湖镇/岗李村."
                )
                % {"value": value}
            )
        return region


class RelatedWidget(widgets.ForeignKeyWidget):
    """A related row by a natural field (e.g. a source report by its title); never created.

    Looked up among the rows ``user`` may see (``Resource`` sets it): a row of another
    county gets the "not found" message a missing one gets.
    """

    def __init__(self, model, field="pk", **kwargs):
        super().__init__(model, field=field, **kwargs)
        self.user = None
        self._found: dict[str, models.Model] = {}  # for one import, as RegionWidget's

    def get_queryset(self, value, row, *args, **kwargs):
        return visible_rows(self.model, self.user)

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        try:
            if text not in self._found:
                self._found[text] = super().clean(text, row, **kwargs)
            return self._found[text]
        except self.model.DoesNotExist:
            raise ValueError(
                gettext("No %(model)s “%(value)s” was found.")
                % {"model": self.model._meta.verbose_name, "value": text}
            ) from None
        except self.model.MultipleObjectsReturned:
            # Natural fields such as an organisation's name need not be unique.
            raise ValueError(
                gettext("More than one %(model)s “%(value)s” was found; tell them apart in the registry first.")
                % {"model": self.model._meta.verbose_name, "value": text}
            ) from None

    def prefetch(self, values) -> None:
        """Look the cells ``values`` (a batch of an import's rows) up at once, but for
        those already looked up; one that finds nothing, or more than one row, is left to
        ``clean`` to report."""
        wanted = {cell_text(value) for value in values} - set(self._found) - {""}
        if not wanted:
            return
        rows = visible_rows(self.model, self.user)
        keys: dict[str, list] = {}
        for text, pk in rows.filter(**{f"{self.field}__in": wanted}).values_list(self.field, "pk"):
            keys.setdefault(str(text), []).append(pk)
        unique = {pks[0]: text for text, pks in keys.items() if len(pks) == 1}
        for instance in rows.filter(pk__in=unique):
            self._found[unique[instance.pk]] = instance

    def render(self, value, obj=None, **kwargs):
        rendered = super().render(value, **kwargs)
        return "" if rendered is None else rendered


class RelatedListWidget(widgets.ManyToManyWidget):
    """Several related rows by a natural field, written ``淘宝直播、抖音``; never created.

    ``、``, ``,``, ``，``, ``;``, ``；`` and line breaks all separate items, as people type
    any of them. ``clean`` returns the rows in the cell's order (an empty list for a blank
    cell) and raises ValueError naming every item not found, looked up among the rows
    ``user`` may see as ``RelatedWidget`` does.
    """

    SEPARATORS = re.compile(r"[、,，;；\r\n]")

    def __init__(self, model, field: str = "name", **kwargs):
        super().__init__(model, separator="、", field=field, **kwargs)
        self.user = None
        self._found: dict[str, models.Model] = {}  # for one import, as RegionWidget's

    def clean(self, value, row=None, **kwargs) -> list[models.Model]:
        names = list(dict.fromkeys(
            part.strip() for part in self.SEPARATORS.split(cell_text(value)) if part.strip()
        ))
        if not names:
            return []
        found = self._found
        if unknown := [name for name in names if name not in found]:
            found.update(
                (str(getattr(item, self.field)), item)
                for item in visible_rows(self.model, self.user).filter(**{f"{self.field}__in": unknown})
            )
        missing = [name for name in names if name not in found]
        if missing:
            raise ValueError(
                gettext("No %(model)s “%(value)s” was found.")
                % {"model": self.model._meta.verbose_name, "value": "、".join(missing)}
            )
        return [found[name] for name in names]

    def render(self, value, obj=None, **kwargs) -> str:
        """The items' names, sorted, so equal sets render equally; ``value`` may be a
        related manager, a QuerySet or a list."""
        if value is None:
            return ""
        items = value.all() if hasattr(value, "all") else value
        return self.separator.join(sorted(str(getattr(item, self.field)) for item in items))
