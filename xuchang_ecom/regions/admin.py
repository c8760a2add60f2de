from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.accounts.scoping import regions_in_scope
from xuchang_ecom.audit.history import AuditHistoryMixin
from xuchang_ecom.common.admin import ReadOnlyAdminMixin

from .models import Region


@admin.register(Region)
class RegionAdmin(AuditHistoryMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The tree is loaded by migrations; changes go through regions.services."""

    list_display = ["place", "level", "code", "is_functional_area"]
    list_filter = ["level", "is_functional_area"]
    search_fields = ["name", "path", "code"]
    ordering = ["path"]

    def get_queryset(self, request):
        return regions_in_scope(user=request.user)

    @admin.display(description=_("place"), ordering="path")
    def place(self, obj) -> str:
        return obj.display_path
