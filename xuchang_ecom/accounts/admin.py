from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.audit.history import AuditHistoryMixin
from xuchang_ecom.common.admin import ReadOnlyAdminMixin, add_service_errors
from xuchang_ecom.regions.models import Region

from . import services
from .models import Organisation, User
from .scoping import regions_in_scope
from .validators import normalise_uscc


class RoleBindingFormMixin:
    """The role's binding checked as the services check it, so that a refusal shows
    beside the field instead of failing on save."""

    def clean(self):
        cleaned = super().clean()
        if "role" in cleaned:
            try:
                services.user_binding_check(role=cleaned["role"], region=cleaned.get("region"),
                                            organisation=cleaned.get("organisation"),
                                            is_superuser=cleaned.get("is_superuser", False))
            except ValidationError as error:
                add_service_errors(self, error)
        return cleaned


class UserAddForm(RoleBindingFormMixin, AdminUserCreationForm):
    pass


class UserChangeForm(RoleBindingFormMixin, DjangoUserChangeForm):
    pass


ROLE_AND_SCOPE = (_("Role and scope"), {"fields": ("role", "region", "organisation")})


@admin.register(User)
class UserAdmin(AuditHistoryMixin, DjangoUserAdmin):
    """Accounts, for superusers; added through ``user_create``, changed through
    ``user_update``. Passwords are changed on Django's own password form."""

    form = UserChangeForm
    add_form = UserAddForm
    list_display = ["username", "first_name", "role", "region", "organisation", "is_active"]
    list_filter = ["role", "is_active", "region"]
    list_select_related = ["region", "organisation"]
    autocomplete_fields = ["region", "organisation"]
    # No groups, permissions or is_staff: the role decides them (its group's permissions,
    # and the admin for staff roles), as the services keep them.
    fieldsets = (
        DjangoUserAdmin.fieldsets[0],
        DjangoUserAdmin.fieldsets[1],
        (DjangoUserAdmin.fieldsets[2][0], {"fields": ("is_active", "is_superuser")}),
        ROLE_AND_SCOPE,
        DjangoUserAdmin.fieldsets[3],
    )
    add_fieldsets = (*DjangoUserAdmin.add_fieldsets, ROLE_AND_SCOPE)
    readonly_fields = ["last_login", "date_joined"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.user_update(user=obj, data={name: data[name] for name in services.USER_FIELDS if name in data})
        else:
            obj.pk = services.user_create(
                username=data["username"], password=data["password1"] if data["set_usable_password"] else None,
                role=data["role"], region=data["region"], organisation=data["organisation"]).pk

    def save_related(self, request, form, formsets, change):
        pass  # the services set the groups; the form has no other relation


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
