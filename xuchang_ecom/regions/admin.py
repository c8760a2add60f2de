from django.contrib import admin

from xuchang_ecom.accounts.scoping import regions_in_scope
from xuchang_ecom.audit.history import AuditHistoryMixin
from xuchang_ecom.common.admin import ReadOnlyAdminMixin

from .models import Region


@admin.register(Region)
class RegionAdmin(AuditHistoryMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The tree is loaded by migrations; changes go through regions.services."""

    list_display = ["display_path", "level", "code", "is_functional_area"]
    list_filter = ["level", "is_functional_area"]
    search_fields = ["name", "path", "code"]
    ordering = ["path"]

    def get_queryset(self, request):
        return regions_in_scope(user=request.user)
