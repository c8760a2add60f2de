"""City staff write calls for applications in the admin (criteria and documents inline)
and publish them; applications are listed there (scoped) and handled on their own pages,
which keep the history. Conflicts of interest are declared here."""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.common.admin import ReadOnlyAdminMixin, ServiceDeleteMixin
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


class CallItemsFormSet(forms.BaseInlineFormSet):
    """A call's criteria or documents asked for, checked together by the service that
    saves them, so a refusal shows beside the inline. Subclasses name the item fields and
    the check."""

    item_fields: tuple[str, ...] = ()

    def check(self, items: list[dict]) -> None:
        raise NotImplementedError

    def items(self) -> list[dict]:
        """The items as the form leaves them: a stored one is removed only when ticked for
        deletion, not when the form did not hold it (it was added meanwhile)."""
        posted = [{"id": form.instance.pk, **{name: form.cleaned_data[name] for name in self.item_fields}}
                  for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        shown = {form.instance.pk for form in self.initial_forms}
        return posted + [model_to_dict(row, ["id", *self.item_fields]) for row in self.get_queryset()
                         if row.pk not in shown]

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        try:
            self.check(self.items())
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None


class CriterionFormSet(CallItemsFormSet):
    item_fields = ("name", "weight", "position")

    def check(self, items):
        services.call_criteria_check(call=self.instance, criteria=items)


class RequiredDocumentFormSet(CallItemsFormSet):
    item_fields = ("name", "is_required", "position")

    def check(self, items):
        services.call_documents_check(call=self.instance, documents=items)


class CriterionInline(admin.TabularInline):
    model = Criterion
    formset = CriterionFormSet
    extra = 3
    fields = ["name", "weight", "position"]


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    formset = RequiredDocumentFormSet
    extra = 2
    fields = ["name", "is_required", "position"]


@admin.register(Call)
class CallAdmin(ServiceDeleteMixin, admin.ModelAdmin):
    form = CallForm
    inlines = [CriterionInline, RequiredDocumentInline]
    list_display = ["title", "kind", "opens_on", "closes_on", "published_at", "ranking_link"]
    list_filter = ["kind"]
    search_fields = ["title"]
    filter_horizontal = ["counties"]
    actions = ["publish"]

    def save_model(self, request, obj, form, change):
        if change:
            services.call_update(call=obj, data=form.cleaned_data)
        else:
            obj.pk = services.call_create(**form.cleaned_data).pk

    def save_related(self, request, form, formsets, change):
        # The counties were set with the call; the criteria and documents are replaced as a
        # whole by their services, checked against each other rather than row by row.
        for formset in formsets:
            if isinstance(formset, CriterionFormSet):
                services.call_criteria_set(call=form.instance, criteria=formset.items())
            else:
                services.call_documents_set(call=form.instance, documents=formset.items())
            # The admin's history message reads these.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def delete_record(self, request, obj):
        services.call_delete(call=obj)

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
class ConflictAdmin(ServiceDeleteMixin, admin.ModelAdmin):
    list_display = ["user", "organisation", "reason", "declared_at"]
    search_fields = ["user__username", "organisation__name"]
    autocomplete_fields = ["organisation"]

    def save_model(self, request, obj, form, change):
        if change:
            services.conflict_update(conflict=obj, data=form.cleaned_data)
        else:
            data = form.cleaned_data
            obj.pk = services.conflict_declare(reviewer=data["user"], organisation=data["organisation"],
                                               reason=data["reason"]).pk

    def delete_record(self, request, obj):
        services.conflict_delete(conflict=obj)
