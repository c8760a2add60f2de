from datetime import UTC, datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination

from xuchang_ecom.common.numbers import BIGINT_MAX, parse_whole_number


class StrictPageSizeMixin:
    """A ``page_size`` that is not a whole number from 1 to ``max_page_size`` (in ASCII
    digits: ``²`` and ``３`` are not) is a 400, not silently the default or a server error:
    the schema says what it takes, and the API keeps to it."""

    def get_page_size(self, request):
        values = request.query_params.getlist(self.page_size_query_param)
        if values and (len(values) > 1
                       or parse_whole_number(values[0], minimum=1, maximum=self.max_page_size) is None):
            raise ValidationError({self.page_size_query_param: [
                _("Give one whole number from 1 to %(max)s.") % {"max": self.max_page_size}]})
        return super().get_page_size(request)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters


class StandardPagination(StrictPageSizeMixin, PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_number(self, request, paginator):
        """A page number in ASCII digits from 1 (or ``last``); anything else is a 400. A page
        past the last one stays DRF's 404."""
        number = super().get_page_number(request, paginator)  # "last" is already the last page's
        if parse_whole_number(str(number), minimum=1) is None:
            raise ValidationError({self.page_query_param: [_("Give a whole number from 1.")]})
        return number

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"].update(minimum=1, maximum=BIGINT_MAX)
        return parameters


class LargeTablePagination(StrictPageSizeMixin, CursorPagination):
    """For tables of millions of rows (livestream sessions): pages follow an index and no
    page counts the whole table. ``next`` and ``previous`` carry an opaque cursor.

    A cursor this list did not give out (not base64, or a position such as 2020-13-45 that
    is no value of the ordering field) is a 400 naming ``cursor``, not a server error."""

    ordering = ("-started_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        invalid = ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})
        try:
            cursor = super().decode_cursor(request)
        except NotFound as error:
            raise invalid from error
        if cursor is None or cursor.position is None:
            return cursor
        field = self._model._meta.get_field(self.ordering[0].lstrip("-"))
        try:
            position = field.to_python(cursor.position)
            if isinstance(position, datetime):
                # The cursors given out carry their offset; and a time the database cannot
                # hold in UTC (year 1 at +08:00) is no position either.
                if position.tzinfo is None:
                    raise ValueError("a time without its offset")
                position.astimezone(UTC)
        except (DjangoValidationError, ValueError, TypeError, OverflowError) as error:
            raise invalid from error
        return cursor
