from django.contrib import admin

from xuchang_ecom.accounts.scoping import regions_in_scope

from .models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["display_path", "level", "code", "is_functional_area"]
    list_filter = ["level", "is_functional_area"]
    search_fields = ["name", "path", "code"]
    ordering = ["path"]

    def get_queryset(self, request):
        return regions_in_scope(user=request.user)

    def has_add_permission(self, request):
        # The tree is loaded by migrations; changes go through regions.services.
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
