"""Periods are opened and closed by city staff in the admin; reports are listed there for
staff (scoped) and reviewed on the review pages, which keep the history."""
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.accounts.scoping import scope_queryset
from xuchang_ecom.common.admin import ReadOnlyAdminMixin
from xuchang_ecom.records.admin import county_filter

from . import selectors, services
from .models import Period, Reminder, Report


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["month", "opens_on", "due_on", "is_open"]
    list_filter = ["is_open"]
    actions = ["close_periods", "open_periods"]
    fields = ["month", "opens_on", "due_on", "is_open"]

    def get_readonly_fields(self, request, obj=None):
        return ["month"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            data = form.cleaned_data
            services.period_update(period=obj, opens_on=data["opens_on"], due_on=data["due_on"],
                                   is_open=data["is_open"])
        else:
            period = services.period_open(month=obj.month, opens_on=obj.opens_on, due_on=obj.due_on)
            obj.pk = services.period_set_open(period=period, is_open=obj.is_open).pk

    def has_delete_permission(self, request, obj=None):
        return False  # reports refer to their period

    @admin.action(description=_("Close the selected periods"), permissions=["change"])
    def close_periods(self, request, queryset):
        for period in queryset:
            services.period_set_open(period=period, is_open=False)

    @admin.action(description=_("Open the selected periods again"), permissions=["change"])
    def open_periods(self, request, queryset):
        for period in queryset:
            services.period_set_open(period=period, is_open=True)


@admin.register(Report)
class ReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A scoped list of the reports; each opens on its review page."""

    list_display = ["organisation", "period", "status", "submitted_at", "approved_at", "review_link"]
    list_filter = ["status", "period", county_filter("organisation__region")]
    search_fields = ["organisation__name", "organisation__uscc"]
    list_select_related = ["organisation", "period"]

    def get_queryset(self, request):
        return selectors.report_list(user=request.user)

    @admin.display(description=_("review"))
    def review_link(self, obj: Report) -> str:
        return format_html('<a href="{}">{}</a>', reverse("reporting:review", args=[obj.pk]), _("Open"))


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What was e-mailed, to whom and when (written by the reminder task only)."""

    list_display = ["sent_at", "organisation", "period", "stage", "recipients"]
    list_filter = ["stage", "period"]
    search_fields = ["organisation__name"]
    list_select_related = ["organisation", "period"]

    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), user=request.user, region_field="organisation__region")
