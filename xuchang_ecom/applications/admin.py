"""City staff write calls for applications in the admin (criteria and documents inline)
and publish them; applications are listed there (scoped) and handled on their own pages,
which keep the history. Conflicts of interest are declared here."""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.common.admin import ReadOnlyAdminMixin
from xuchang_ecom.records.admin import county_filter
from xuchang_ecom.regions.models import Region
from xuchang_ecom.reporting.groups import figure_choices, group_choices

from . import selectors, services
from .models import Application, Call, Conflict, Criterion, RequiredDocument


class CallForm(forms.ModelForm):
    organisation_groups = forms.MultipleChoiceField(
        label=_("organisation types"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for every organisation that reports to the bureau."))
    figures = forms.MultipleChoiceField(label=_("figures asked for"), required=False,
                                        widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Call
        fields = ["title", "kind", "batch", "description", "organisation_groups", "counties", "figures", "opens_on",
                  "closes_on", "notice_days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation_groups"].choices = group_choices()
        self.fields["figures"].choices = figure_choices()
        self.fields["counties"].queryset = Region.objects.counties().order_by("path")


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 3
    fields = ["name", "weight", "position"]


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 2
    fields = ["name", "is_required", "position"]


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    form = CallForm
    inlines = [CriterionInline, RequiredDocumentInline]
    list_display = ["title", "kind", "opens_on", "closes_on", "published_at", "ranking_link"]
    list_filter = ["kind"]
    search_fields = ["title"]
    filter_horizontal = ["counties"]
    actions = ["publish"]

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.applications.exists()

    @admin.action(description=_("Publish the selected calls"), permissions=["change"])
    def publish(self, request, queryset):
        for call in queryset:
            try:
                services.call_publish(call=call)
            except ValidationError as error:
                self.message_user(request, f"{call}: {' '.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(request, _("Published: %(call)s") % {"call": call}, messages.SUCCESS)

    @admin.display(description=_("applications"))
    def ranking_link(self, obj: Call) -> str:
        if not obj.is_published:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("applications:ranking", args=[obj.pk]), _("Ranking"))


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A scoped list of the applications; each opens on its own page."""

    list_display = ["organisation", "call", "status", "submitted_at", "decided_at", "effective_on", "open_link"]
    list_filter = ["status", "call", county_filter("organisation__region")]
    search_fields = ["organisation__name"]
    list_select_related = ["organisation", "call"]

    def get_queryset(self, request):
        return selectors.application_list(user=request.user)

    @admin.display(description=_("application"))
    def open_link(self, obj: Application) -> str:
        return format_html('<a href="{}">{}</a>', reverse("applications:detail", args=[obj.pk]), _("Open"))


@admin.register(Conflict)
class ConflictAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "reason", "declared_at"]
    search_fields = ["user__username", "organisation__name"]
    autocomplete_fields = ["organisation"]
