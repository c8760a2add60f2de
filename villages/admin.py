from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin

from xuchang_ecom.audit.history import AuditHistoryMixin
from xuchang_ecom.common.admin import ServiceDeleteMixin
from xuchang_ecom.records.admin import ScopedAdminMixin, county_filter
from xuchang_ecom.records.importexport.admin import ScopedImportExportMixin

from . import selectors, services
from .models import Designation, Honour, SourceReport
from .resources import DesignationResource, HonourResource


@admin.register(Designation)
class DesignationAdmin(ServiceDeleteMixin, ScopedImportExportMixin, ScopedAdminMixin, ImportExportModelAdmin):
    fields = services.DESIGNATION_FIELDS
    resource_classes = [DesignationResource]
    list_display = ["year", "kind", "place_path", "main_products", "online_shops", "online_sales", "local_model"]
    list_display_links = ["place_path"]
    list_filter = ["year", "kind", county_filter("place")]
    search_fields = ["place__name", "place__path", "place__code", "main_products", "local_model"]
    list_select_related = ["place", "source"]
    autocomplete_fields = ["place"]
    date_hierarchy = None
    change_list_template = "admin/villages/designation/change_list.html"

    def scoped_queryset(self, request):
        return selectors.designation_list(user=request.user)

    def check_instance(self, request, obj) -> None:
        services.designation_check(user=request.user, designation=obj)

    @admin.display(description=_("place"), ordering="place__path")
    def place_path(self, obj):
        return obj.place.display_path

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in services.DESIGNATION_FIELDS if f in form.cleaned_data}
        if change:
            services.designation_update(user=request.user, designation=obj, data=data)
        else:
            obj.pk = services.designation_create(user=request.user, **data).pk

    def delete_record(self, request, obj):
        services.designation_delete(user=request.user, designation=obj)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if hasattr(response, "context_data") and "cl" in response.context_data:
            # Counts per year and county for the rows the filters select, in one query.
            counts = response.context_data["cl"].queryset.order_by().counts_by_year_and_county()
            response.context_data["counts_by_year_and_county"] = counts
        return response


@admin.register(Honour)
class HonourAdmin(ServiceDeleteMixin, ScopedImportExportMixin, ScopedAdminMixin, ImportExportModelAdmin):
    resource_classes = [HonourResource]
    list_display = ["year", "title", "place", "source"]
    list_filter = ["year", "title"]
    search_fields = ["title", "place__name", "place__path"]
    list_select_related = ["place", "source"]
    autocomplete_fields = ["place"]

    def scoped_queryset(self, request):
        return selectors.honour_list(user=request.user)

    def save_model(self, request, obj, form, change):
        fields = ("place", "year", "title", "source")
        data = {f: form.cleaned_data[f] for f in fields if f in form.cleaned_data}
        if change:
            services.honour_update(user=request.user, honour=obj, data=data)
        else:
            obj.pk = services.honour_create(user=request.user, **data).pk

    def delete_record(self, request, obj):
        services.honour_delete(user=request.user, honour=obj)


@admin.register(SourceReport)
class SourceReportAdmin(ServiceDeleteMixin, AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["title", "publisher", "year", "published_on", "designation_count"]
    search_fields = ["title", "publisher"]

    def save_model(self, request, obj, form, change):
        if change:
            services.source_report_update(report=obj, data=form.cleaned_data)
        else:
            obj.pk = services.source_report_create(**form.cleaned_data).pk

    def delete_record(self, request, obj):
        services.source_report_delete(report=obj)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(designation_count=Count("designations"))

    @admin.display(description=_("designations"), ordering="designation_count")
    def designation_count(self, obj):
        return obj.designation_count
