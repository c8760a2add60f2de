from rest_framework.pagination import CursorPagination, PageNumberPagination


class StandardPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class LargeTablePagination(CursorPagination):
    """For tables of millions of rows (livestream sessions): pages follow an index and no
    page counts the whole table. ``next`` and ``previous`` carry an opaque cursor."""

    ordering = ("-started_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
