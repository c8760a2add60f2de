from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination


class StrictPageSizeMixin:
    """A ``page_size`` that is not a whole number from 1 to ``max_page_size`` is a 400, not
    silently the default: the schema says what it takes, and the API keeps to it."""

    def get_page_size(self, request):
        values = request.query_params.getlist(self.page_size_query_param)
        if values and (len(values) > 1 or not values[0].isdigit()
                       or not 1 <= int(values[0]) <= self.max_page_size):
            raise ValidationError({self.page_size_query_param: [
                _("Give one whole number from 1 to %(max)s.") % {"max": self.max_page_size}]})
        return super().get_page_size(request)


class StandardPagination(StrictPageSizeMixin, PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class LargeTablePagination(StrictPageSizeMixin, CursorPagination):
    """For tables of millions of rows (livestream sessions): pages follow an index and no
    page counts the whole table. ``next`` and ``previous`` carry an opaque cursor."""

    ordering = ("-started_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
