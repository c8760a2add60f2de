from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.audit.history import AuditHistoryMixin
from xuchang_ecom.common.admin import ReadOnlyAdminMixin
from xuchang_ecom.regions.models import Region

from . import services
from .models import Organisation, User
from .scoping import regions_in_scope
from .validators import normalise_uscc


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


class OrganisationForm(forms.ModelForm):
    def clean_uscc(self):
        # As the services keep it, so that the uniqueness check sees the code they save.
        return normalise_uscc(self.cleaned_data["uscc"]) or None


@admin.register(Organisation)
class OrganisationAdmin(AuditHistoryMixin, admin.ModelAdmin):
    form = OrganisationForm
    list_display = ["name", "uscc", "region"]
    search_fields = ["name", "uscc"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def save_model(self, request, obj, form, change):
        if change:
            services.organisation_update(organisation=obj, data=form.cleaned_data)
        else:
            obj.pk = services.organisation_create(**form.cleaned_data).pk


@admin.register(Region)
class RegionAdmin(AuditHistoryMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The tree is loaded by migrations; changes go through regions.services. Registered
here, not in regions: which places a user sees is the scoping rule, which accounts owns,
and regions stays below accounts."""

    list_display = ["place", "level", "code", "is_functional_area"]
    list_filter = ["level", "is_functional_area"]
    search_fields = ["name", "path", "code"]
    ordering = ["path"]

    def get_queryset(self, request):
        return regions_in_scope(user=request.user)

    @admin.display(description=_("place"), ordering="path")
    def place(self, obj) -> str:
        return obj.display_path
