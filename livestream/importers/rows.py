"""Checking one row of a session file: ``SessionRowReader`` turns its cells into a
Session's values, or into an error on each bad cell's column.

Every lookup (places, platforms, bases, agencies, anchors) is loaded once into a dict, so
checking a row costs no query, and each cell is checked against the model's rules directly
instead of by ``full_clean``; a field's own validators run only to word an error.
"""
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext

from xuchang_ecom.accounts.models import User
from xuchang_ecom.accounts.scoping import regions_in_scope
from xuchang_ecom.records.importexport.cells import cell_text, in_every_language, unescape_formula
from xuchang_ecom.records.importexport.uploads import ImportFileRejected
from xuchang_ecom.records.importexport.widgets import REGION_CODE_COLUMN, RelatedListWidget, parse_number
from xuchang_ecom.regions.models import PATH_SEPARATOR, Level, Region

from ..models import Agency, Anchor, Base, Platform, Session

#: The columns, in the export's order; each header is the field's verbose name.
COLUMNS = ("started_at", "platform", "region", "base", "agency", "anchors", "kind", "title", "product_category",
           "orders", "sales", "quantity", "quantity_unit")
#: The export's statistical-code column beside the place: either identifies the place.
REGION_CODE = "region_code"
REQUIRED_COLUMNS = ("started_at", "platform", "region")
#: Distinct cell values whose lookup result is remembered (places, anchor lists).
MEMO_LIMIT = 10_000

# "2020-06-30 20:00", "2020/6/30 20:00:00", "2020.6.30 20:00", "2020年6月30日 20:00".
DATETIME_TEXT = re.compile(
    r"(\d{4})(?:[-/.]|年)(\d{1,2})(?:[-/.]|月)(\d{1,2})日?(?:\s*|T)(\d{1,2})[:：](\d{1,2})(?:[:：](\d{1,2})(?:\.\d+)?)?"
)


class CellError(ValueError):
    """A cell that cannot be read; ``message`` is for the person who uploaded the file."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _text(value: Any) -> str:
    """The cell as trimmed text without the ``'`` an export put before formula-like text."""
    if value.__class__ is str:
        if value[:1] == "'":
            value = unescape_formula(value)
        return value.strip()
    return cell_text(value)


def _number(value: Any, message: str) -> Decimal | None:
    """The cell as ``parse_number`` reads it, without the ``'`` an export put before
    formula-like text; raises CellError(message) if it is not a number."""
    try:
        return parse_number(unescape_formula(value), message)
    except ValueError:
        raise CellError(message) from None


def _field_error(model_field: models.Field, value: Any, fallback: str) -> CellError:
    """The error the field's own validators give ``value`` (translated by Django)."""
    try:
        model_field.run_validators(value)
    except ValidationError as error:
        return CellError(" ".join(error.messages))
    return CellError(fallback)


def _region_key(text: str) -> str:
    """A place's path as a lookup key: no surrounding spaces or slashes, parts trimmed."""
    parts = (part.strip() for part in text.strip().strip(PATH_SEPARATOR).split(PATH_SEPARATOR))
    return PATH_SEPARATOR.join(part for part in parts if part)


def _not_found(model: type[models.Model], text: str) -> str:
    return gettext("No %(model)s “%(value)s” was found.") % {"model": model._meta.verbose_name, "value": text}


class SessionRowReader:
    """Checks rows of a session file for ``user`` against lookups loaded once.

    Built from the header row; raises ImportFileRejected if a column is there twice or a
    required one is missing. ``read`` then costs no query.
    """

    def __init__(self, *, user: User, header: Sequence[Any]):
        self.indexes = self._column_indexes(header)
        self.width = max(self.indexes.values()) + 1
        opts = Session._meta
        self.labels = {name: str(opts.get_field(name).verbose_name) for name in COLUMNS}
        self.labels[REGION_CODE] = str(REGION_CODE_COLUMN)
        self._load_lookups(user)

        self.kinds = self._choices(opts.get_field("kind"))
        self.units = self._choices(opts.get_field("quantity_unit"))
        self.default_kind = str(opts.get_field("kind").default)
        self.tz = timezone.get_default_timezone()
        orders_range = connection.ops.integer_field_range(opts.get_field("orders").get_internal_type())
        self.orders_min, self.orders_max = orders_range
        self.unit_missing = str(next(
            constraint.violation_error_message for constraint in opts.constraints
            if constraint.name == "livestream_session_quantity_has_unit"
        ))
        self.messages = {
            "datetime": gettext("Enter a date and time such as 2020-06-30 20:00."),
            "whole_number": gettext("Enter a whole number."),
            "number": gettext("Enter a number."),
            "blank": str(opts.get_field("platform").error_messages["blank"]),
            "no_place": gettext("Choose a place."),
            "out_of_scope": gettext("This place is outside the area you are responsible for."),
        }
        self.lengths = {name: opts.get_field(name).max_length for name in ("title", "product_category")}
        self.region_memo: dict[tuple[str, str], int | str] = {}
        self.anchor_memo: dict[str, tuple[int, ...] | str] = {}

        # A row's values go in the order of the model's concrete fields: ``Session(*values)``
        # skips the keyword handling that is half the cost of building an instance.
        fields = opts.concrete_fields
        positions = {model_field.attname: position for position, model_field in enumerate(fields)}
        self.defaults: list[Any] = [None if model_field.primary_key else model_field.get_default()
                                    for model_field in fields]
        # The place and the anchors are read apart (see ``read``); a column the file lacks
        # takes the value a blank cell would.
        parsers: dict[str, Callable[[Any], Any]] = {
            "started_at": self._started_at, "platform": self._platform, "base": self._base,
            "agency": self._agency, "kind": self._kind, "title": self._title,
            "product_category": self._product_category, "orders": self._orders, "sales": self._sales,
            "quantity": self._quantity, "quantity_unit": self._unit,
        }
        self.parsers: list[tuple[int, int, str, Callable[[Any], Any]]] = []
        for name, parse in parsers.items():
            position = positions[opts.get_field(name).attname]
            if name in self.indexes:
                self.parsers.append((position, self.indexes[name], self.labels[name], parse))
            else:
                self.defaults[position] = parse(None)
        self.region_position = positions[opts.get_field("region").attname]
        #: Where each concrete field's value is in a row (by attname), for the trail.
        self.positions = positions
        self._described = (positions["started_at"], positions["platform_id"],
                           {pk: name for name, pk in self.platforms.items()})
        self.quantity_position = positions["quantity"]
        self.unit_position = positions["quantity_unit"]

    def describe(self, values: Sequence[Any]) -> str:
        """A valid row's session as its ``str()`` names it, from the values alone."""
        started_at, platform, names = self._described
        # As f"{started_at:%Y-%m-%d %H:%M}", at a fifth of strftime's cost.
        return f"{values[started_at].isoformat(' ', 'minutes')[:16]} {names[values[platform]]}"

    # -- setup -----------------------------------------------------------------------------

    @staticmethod
    def _column_indexes(header: Sequence[Any]) -> dict[str, int]:
        names: dict[str, str] = {}
        for name in COLUMNS:
            for text in in_every_language(Session._meta.get_field(name).verbose_name):
                names.setdefault(text, name)
        for text in in_every_language(REGION_CODE_COLUMN):
            names.setdefault(text, REGION_CODE)
        indexes: dict[str, int] = {}
        for index, cell in enumerate(header):
            text = cell_text(cell)
            name = names.get(text)
            if name is None:
                continue  # other columns are ignored, as the registries' imports do
            if name in indexes:
                raise ImportFileRejected(
                    gettext("The column “%(column)s” appears twice.") % {"column": text}, code="duplicate_column"
                )
            indexes[name] = index
        missing = [
            name for name in REQUIRED_COLUMNS
            if name not in indexes and not (name == "region" and REGION_CODE in indexes)
        ]
        if missing:
            raise ImportFileRejected(
                gettext("The file has no column %(columns)s. The first row must hold the "
                        "column headers, as in an exported file.")
                % {"columns": "、".join(f"“{Session._meta.get_field(name).verbose_name}”" for name in missing)},
                code="missing_column",
            )
        return indexes

    def _load_lookups(self, user: User) -> None:
        # Related rows are looked up among those the user can see, as the admin's
        # autocomplete offers them: another county's base is as unknown as a missing one.
        self.platforms: dict[str, int] = dict(Platform.objects.values_list("name", "pk"))
        self.bases: dict[str, int] = dict(Base.objects.visible_to(user).values_list("name", "pk"))
        self.anchors: dict[str, int] = dict(Anchor.objects.visible_to(user).values_list("display_name", "pk"))
        # Organisation names need not be unique; None marks a name shared by several agencies.
        self.agencies: dict[str, int | None] = {}
        for name, pk in Agency.objects.visible_to(user).values_list("organisation__name", "pk"):
            self.agencies[name] = None if name in self.agencies else pk
        self.region_paths: dict[str, int] = {}
        self.region_codes: dict[str, int] = {}
        for pk, path, code, level in Region.objects.values_list("pk", "path", "code", "level").order_by("level"):
            full = path.strip(PATH_SEPARATOR)
            self.region_paths[full] = pk
            if level > Level.CITY:
                # People write places without the city: 长葛市/佛耳湖镇/岗李村.
                self.region_paths[full.split(PATH_SEPARATOR, 1)[1]] = pk
            if code:
                self.region_codes[code] = pk
        self.regions_in_scope: set[int] = set(regions_in_scope(user=user).values_list("pk", flat=True))

    @staticmethod
    def _choices(model_field: models.Field) -> tuple[dict[str, str], str]:
        """``({value or label in any language: stored value}, labels for the error)``."""
        choices: dict[str, str] = {}
        for stored, label in model_field.flatchoices:
            choices.setdefault(str(stored), stored)
            for text in in_every_language(label):
                choices.setdefault(text, stored)
        return choices, "、".join(str(label) for _stored, label in model_field.flatchoices)

    # -- one row ---------------------------------------------------------------------------

    def read(self, row: Sequence[Any]) -> tuple[list[Any] | None, tuple[int, ...], list[tuple[str, str]]]:
        """``(values, anchor ids, [])`` for a valid row, where ``values`` are the Session's
        concrete field values in order; ``(None, (), [(column header, message), ...])``
        for an invalid one."""
        if len(row) < self.width:
            row = (*row, *([None] * (self.width - len(row))))
        indexes = self.indexes
        errors: list[tuple[str, str]] = []
        values = self.defaults.copy()
        anchors: tuple[int, ...] = ()
        for position, index, label, parse in self.parsers:
            try:
                values[position] = parse(row[index])
            except CellError as error:
                errors.append((label, error.message))
        code_index = indexes.get(REGION_CODE)
        place = row[indexes["region"]] if "region" in indexes else None
        try:
            values[self.region_position] = self._region(
                _text(place), "" if code_index is None else _text(row[code_index])
            )
        except CellError as error:
            errors.append((self.labels["region"], error.message))
        if "anchors" in indexes:
            try:
                anchors = self._anchors(row[indexes["anchors"]])
            except CellError as error:
                errors.append((self.labels["anchors"], error.message))
        if values[self.quantity_position] is not None and values[self.unit_position] == "":
            unit = self.labels["quantity_unit"]
            if not any(column == unit for column, _message in errors):  # a bad unit was reported
                errors.append((unit, self.unit_missing))
        if errors:
            return None, (), errors
        return values, anchors, errors

    def _started_at(self, value: Any) -> datetime:
        if value.__class__ is datetime:
            moment = value
        elif isinstance(value, date):
            moment = datetime(value.year, value.month, value.day)
        else:
            moment = self._parse_datetime(_text(value or ""))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.tz)
        return moment

    def _parse_datetime(self, text: str) -> datetime:
        match = DATETIME_TEXT.fullmatch(text)
        try:
            if match:
                year, month, day, hour, minute, second = match.groups()
                return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
            # Whatever else ISO 8601 allows, with or without an offset.
            if text and text[0].isdigit() and ":" in text:
                return datetime.fromisoformat(text)
        except ValueError:
            pass
        raise CellError(self.messages["datetime"])

    def _platform(self, value: Any) -> int:
        text = _text(value)
        if not text:
            raise CellError(self.messages["blank"])
        pk = self.platforms.get(text)
        if pk is None:
            raise CellError(_not_found(Platform, text))
        return pk

    def _base(self, value: Any) -> int | None:
        text = _text(value)
        if not text:
            return None
        pk = self.bases.get(text)
        if pk is None:
            raise CellError(_not_found(Base, text))
        return pk

    def _agency(self, value: Any) -> int | None:
        text = _text(value)
        if not text:
            return None
        if text not in self.agencies:
            raise CellError(_not_found(Agency, text))
        pk = self.agencies[text]
        if pk is None:
            raise CellError(
                gettext("More than one %(model)s “%(value)s” was found; tell them apart in the registry first.")
                % {"model": Agency._meta.verbose_name, "value": text}
            )
        return pk

    def _region(self, place: str, code: str) -> int:
        """The id of the row's place (path, or the code column when the place is blank).

        Raises CellError if it is missing, unknown, disagrees with the code, or lies
        outside the user's area.
        """
        key = (place, code)
        found = self.region_memo.get(key)
        if found is None:
            try:
                found = self._find_region(place, code)
            except CellError as error:
                found = error.message
            if len(self.region_memo) < MEMO_LIMIT:
                self.region_memo[key] = found
        if found.__class__ is str:
            raise CellError(found)
        return found

    def _find_region(self, place: str, code: str) -> int:
        if not place and not code:
            raise CellError(self.messages["no_place"])
        pk = self._region_by_text(place or code)
        if place and code and self._region_by_text(code) != pk:
            raise CellError(
                gettext("The place “%(place)s” does not have the statistical code %(code)s.")
                % {"place": place, "code": code}
            )
        if pk not in self.regions_in_scope:
            raise CellError(self.messages["out_of_scope"])
        return pk

    def _region_by_text(self, text: str) -> int:
        key = _region_key(text)
        pk = self.region_codes.get(key) if key.isdigit() else self.region_paths.get(key)
        if pk is None:
            raise CellError(
                gettext(
                    "No place “%(value)s” was found: give its 12-digit statistical code or its "
                    "full path, e.g. 长葛市/佛耳湖镇/岗李村."
                )
                % {"value": text}
            )
        return pk

    def _anchors(self, value: Any) -> tuple[int, ...]:
        text = _text(value)
        if not text:
            return ()
        found = self.anchor_memo.get(text)
        if found is None:
            names = dict.fromkeys(
                part.strip() for part in RelatedListWidget.SEPARATORS.split(text) if part.strip()
            )
            missing = [name for name in names if name not in self.anchors]
            found = _not_found(Anchor, "、".join(missing)) if missing else tuple(self.anchors[name] for name in names)
            if len(self.anchor_memo) < MEMO_LIMIT:
                self.anchor_memo[text] = found
        if found.__class__ is str:
            raise CellError(found)
        return found

    def _kind(self, value: Any) -> str:
        return self._choice(value, self.kinds, self.default_kind)

    def _unit(self, value: Any) -> str:
        return self._choice(value, self.units, "")

    @staticmethod
    def _choice(value: Any, choices: tuple[dict[str, str], str], default: str) -> str:
        text = _text(value)
        if not text:
            return default
        stored = choices[0].get(text)
        if stored is None:
            raise CellError(
                gettext("“%(value)s” is not one of: %(choices)s.") % {"value": text, "choices": choices[1]}
            )
        return stored

    def _title(self, value: Any) -> str:
        return self._short_text("title", value)

    def _product_category(self, value: Any) -> str:
        return self._short_text("product_category", value)

    def _short_text(self, name: str, value: Any) -> str:
        text = _text(value)
        if len(text) > self.lengths[name]:
            raise _field_error(Session._meta.get_field(name), text, self.messages["number"])
        return text

    def _orders(self, value: Any) -> int:
        if value.__class__ is str and value.isdigit() and value.isascii():
            number = int(value)
        else:
            decimal = _number(value, self.messages["whole_number"])
            if decimal is None:
                return 0
            if decimal != decimal.to_integral_value():
                raise CellError(self.messages["whole_number"])
            number = int(decimal)
        if not self.orders_min <= number <= self.orders_max:
            raise _field_error(Session._meta.get_field("orders"), number, self.messages["whole_number"])
        return number

    def _sales(self, value: Any) -> Decimal:
        number = self._decimal("sales", value)
        return Decimal(0) if number is None else number

    def _quantity(self, value: Any) -> Decimal | None:
        return self._decimal("quantity", value)

    def _decimal(self, name: str, value: Any) -> Decimal | None:
        """A non-negative Decimal that fits the field's digits, None when blank.

        Trailing zeros beyond the field's decimal places are accepted (``12.500``); any
        other excess is an error, never silently rounded.
        """
        number = _number(value, self.messages["number"])
        if number is None:
            return None
        model_field = Session._meta.get_field(name)
        places = model_field.decimal_places
        if number.as_tuple().exponent < -places:
            rounded = number.quantize(Decimal(1).scaleb(-places)) if number.adjusted() < 30 else None
            if rounded != number:
                raise _field_error(model_field, number, self.messages["number"])
            number = rounded
        if number < 0 or number.adjusted() >= model_field.max_digits - places:
            raise _field_error(model_field, number, self.messages["number"])
        return number
