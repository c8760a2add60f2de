"""Pieces every registry's API and the open data share: permissions, number and place
filters, scoped related fields, the service call, and the CSV and .xlsx renderers."""
import csv
import io
import json
import logging
import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django_filters import fields as filter_fields
from django_filters import rest_framework as filters
from drf_spectacular.drainage import set_override
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import DjangoModelPermissions
from rest_framework.renderers import BaseRenderer
from rest_framework.throttling import AnonRateThrottle

from xuchang_ecom.common.numbers import ASCII_INTEGER, BIGINT_MAX, BIGINT_MIN, parse_whole_number
from xuchang_ecom.records.importexport.cells import escape_formula
from xuchang_ecom.regions.models import Level, Region

logger = logging.getLogger(__name__)


class PersonalDataApiMixin:
    """For an API whose answers carry personal data (masked or not): no cache, in the
    browser or on the way, may keep them (``Cache-Control: no-store``)."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        add_never_cache_headers(response)
        return response


class RegistryPermissions(DjangoModelPermissions):
    """Model permissions for reads as well as writes (DRF's default lets any user read)."""

    perms_map = {**DjangoModelPermissions.perms_map, "GET": ["%(app_label)s.view_%(model_name)s"]}


def integer_schema(*, minimum: int, maximum: int) -> dict:
    """The OpenAPI schema of a whole-number query parameter."""
    return {"type": "integer", "format": "int64", "minimum": minimum, "maximum": maximum}


class WholeNumberField(forms.IntegerField):
    """An integer in ASCII digits from ``min_value`` to ``max_value`` (by default what a
    bigint column holds): ``²``, ``３`` or 30 digits are "Enter a whole number" or out of
    range, never a server error or silently 3."""

    def __init__(self, *, min_value=BIGINT_MIN, max_value=BIGINT_MAX, **kwargs):
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def to_python(self, value):
        if value not in self.empty_values and not ASCII_INTEGER.fullmatch(str(value)):
            raise DjangoValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class IntegerFilter(filters.Filter):
    """A whole-number query parameter (a year, a count) from ``min_value`` to ``max_value``;
    anything else is a 400 naming the parameter, and the schema gives the bounds."""

    field_class = WholeNumberField

    def __init__(self, *args, min_value: int = BIGINT_MIN, max_value: int = BIGINT_MAX, **kwargs):
        super().__init__(*args, min_value=min_value, max_value=max_value, **kwargs)
        set_override(self, "field", integer_schema(minimum=min_value, maximum=max_value))


def query_integer(request, name: str, *, min_value: int = BIGINT_MIN, max_value: int = BIGINT_MAX) -> int | None:
    """The whole-number query parameter ``name`` of a view without a filter set, or None
    when it is absent; raises DRF's ValidationError (400 naming it) when it is no such number."""
    try:
        return WholeNumberField(min_value=min_value, max_value=max_value, required=False).clean(
            request.query_params.get(name))
    except DjangoValidationError as error:
        raise ValidationError({name: error.messages}) from error


class IdFilter(IntegerFilter):
    """A record by id (``field_name`` such as ``village_id``): ids start at 1."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        super().__init__(*args, **kwargs)


class YearFilter(IntegerFilter):
    """A calendar year, as the date fields hold them (1 to 9999)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)


class _CountyChoiceField(filter_fields.ModelChoiceField):
    def to_python(self, value):
        # Looked up only when it is an id in ASCII digits: the database would read "３" as 3.
        if value not in self.empty_values and parse_whole_number(str(value), minimum=1) is None:
            raise DjangoValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                        params={"value": value})
        return super().to_python(value)


@extend_schema_field(integer_schema(minimum=1, maximum=BIGINT_MAX))
class CountyFilter(filters.ModelChoiceFilter):
    """A county-level division by id: the rows at or under it (``field_name`` is the region)."""

    field_class = _CountyChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Region.objects.filter(level=Level.COUNTY))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return qs.filter(**{f"{self.field_name}__path__startswith": value.path}) if value else qs


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related record by id, found among the rows the request's user may see
    (``visible_to``) when its model is scoped: another county's record is answered like
    a missing one ("object does not exist"). Give ``queryset`` as usual
    (``Agency.objects.all()``); a serializer without the request in its context finds
    nothing in a scoped model.
    """

    def get_queryset(self):
        queryset = super().get_queryset()
        if not hasattr(queryset, "visible_to"):
            return queryset
        request = self.context.get("request")
        return queryset.visible_to(getattr(request, "user", None))


def call_service(service: Callable, **kwargs):
    """Call a service, turning its Django ValidationError into DRF's 400 with field messages."""
    try:
        return service(**kwargs)
    except DjangoValidationError as error:
        raise ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages) from error


def download_disposition(*, name: str, fallback: str) -> str:
    """The ``Content-Disposition`` of a download saved as ``name`` (any language, e.g.
    ``淘宝村镇名单-2026-12-01.csv``), with the ASCII ``fallback`` for clients that do not
    read RFC 6266's ``filename*``."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "-", fallback)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def _table(data, renderer_context) -> tuple[list[str], list[str], list[dict]]:
    """The keys, the column headers and the rows of ``data`` (a list of flat objects, a page
    of them, or one object). The headers are the view's ``column_labels`` (the renderer
    context's, by key), the keys themselves where it gives none."""
    if isinstance(data, dict) and "results" in data:
        data = data["results"]
    if isinstance(data, dict):
        data = [data]
    rows = list(data or [])
    keys = list(rows[0]) if rows else []
    labels = (renderer_context or {}).get("column_labels") or {}
    return keys, [str(labels.get(key, key)) for key in keys], rows


class CSVRenderer(BaseRenderer):
    """A list of flat objects as CSV for Chinese Excel: UTF-8 with a BOM, formulas neutralised,
    headed by the view's column labels."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        keys, headers, rows = _table(data, renderer_context)
        out = io.StringIO()
        out.write("\ufeff")
        if rows:
            writer = csv.writer(out)
            writer.writerow(headers)
            for row in rows:
                writer.writerow([_csv_value(row.get(key)) for key in keys])
        return out.getvalue().encode("utf-8")


class XLSXRenderer(BaseRenderer):
    """A list of flat objects as an Excel workbook of one sheet: a bold header row of the
    view's column labels, numbers as numbers, text never read as a formula."""

    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        from openpyxl import Workbook
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.styles import Font

        keys, headers, rows = _table(data, renderer_context)
        workbook = Workbook()
        sheet = workbook.active
        title = (renderer_context or {}).get("sheet_title")
        if title:
            # Excel's limits: 31 characters, none of []:*?/\
            sheet.title = re.sub(r"[\[\]:*?/\\]", " ", str(title))[:31]
        if rows:
            sheet.append(headers)
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            for row in rows:
                sheet.append([_xlsx_value(row.get(key), ILLEGAL_CHARACTERS_RE) for key in keys])
            for column, header in zip(sheet.iter_cols(max_row=1), headers, strict=True):
                sheet.column_dimensions[column[0].column_letter].width = max(10, min(40, 2 * len(header) + 2))
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()


NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _csv_value(value):
    """A cell: numbers as numbers (a negative one is not a formula), other text made safe."""
    if value is None:
        return ""
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and NUMBER.fullmatch(value):
        return value
    return escape_formula(value)


def _xlsx_value(value, illegal):
    """A cell of a workbook: numbers (also those the serializers give as text) as numbers,
    dates as dates, other text made safe (no formula, no control character)."""
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if value is None or isinstance(value, bool | int | float | Decimal | date):
        return value
    if isinstance(value, str) and NUMBER.fullmatch(value):
        return Decimal(value) if "." in value else int(value)
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    return escape_formula(illegal.sub("", str(value)))


class _CacheSafeThrottle:
    """Rate limits kept in the cache; if the cache is unreachable the request goes through
    (an outage of Redis must not turn public pages into errors)."""

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:
            logger.warning("Throttle cache unreachable: request allowed", exc_info=True)
            return True


class PublicAnonThrottle(_CacheSafeThrottle, AnonRateThrottle):
    """The open data's limit per client address (``OPEN_DATA_RATE``)."""
