from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.audit.history import AuditHistoryMixin

from .models import Organisation, User


@admin.register(User)
class UserAdmin(AuditHistoryMixin, DjangoUserAdmin):
    list_display = ["username", "first_name", "role", "region", "organisation", "is_active"]
    list_filter = ["role", "is_active", "region"]
    list_select_related = ["region", "organisation"]
    autocomplete_fields = ["region", "organisation"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Role and scope"), {"fields": ("role", "region", "organisation")}),
    )


@admin.register(Organisation)
class OrganisationAdmin(AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["name", "uscc", "region"]
    search_fields = ["name", "uscc"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)
