"""Programs and targets in the admin: city staff keep them, through the services.

A target's value or deadline changes only with a reason (kept as a TargetChange); its
county parts are edited together and must add up to the target. Snapshots and changes
are read-only: the roll-up and the services write them.
"""
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.audit.history import AuditHistoryMixin
from xuchang_ecom.common.admin import ReadOnlyAdminMixin, ServiceDeleteMixin

from . import services
from .models import CountyTarget, Program, Snapshot, Target, TargetChange


@admin.register(Program)
class ProgramAdmin(AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["name", "issuer", "starts_on", "ends_on", "is_published"]
    search_fields = ["name", "document_reference"]
    list_filter = ["is_published"]

    def save_model(self, request, obj, form, change):
        if change:
            services.program_update(program=obj, data=form.cleaned_data)
        else:
            obj.pk = services.program_create(**form.cleaned_data).pk


class CountyTargetFormSet(forms.BaseInlineFormSet):
    """The county parts, checked together: they must add up to the target's value."""

    def parts(self) -> dict:
        return {
            form.cleaned_data["county"]: form.cleaned_data["value"]
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("county")
        }

    def clean(self):
        super().clean()
        if any(self.errors) or not self.parts():
            return
        try:
            services.target_split_check(target=self.instance, parts=self.parts())
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None


class CountyTargetInline(admin.TabularInline):
    model = CountyTarget
    formset = CountyTargetFormSet
    fields = ["county", "value", "baseline_value"]
    extra = 0


class TargetForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("reason for the change"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when the target's value or deadline changes; kept with your name and the time."),
    )

    class Meta:
        model = Target
        fields = ["program", "metric_key", "value", "unit", "baseline_value", "baseline_on", "deadline", "position"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None and not cleaned.get("reason", "").strip():
            changed = [name for name in services.TRACKED_FIELDS if name in self.changed_data]
            if changed:
                self.add_error("reason", _("Say why the target's value or deadline changes."))
        return cleaned


@admin.register(Target)
class TargetAdmin(ServiceDeleteMixin, AuditHistoryMixin, admin.ModelAdmin):
    form = TargetForm
    inlines = [CountyTargetInline]
    list_display = ["label", "program", "value", "unit", "baseline_value", "baseline_on", "deadline"]
    list_filter = ["program"]
    list_select_related = ["program"]

    def get_fields(self, request, obj=None):
        fields = ["program", "metric_key", "value", "unit", "baseline_value", "baseline_on", "deadline", "position"]
        return [*fields, "reason"] if obj is not None else fields

    def get_readonly_fields(self, request, obj=None):
        # A target's snapshots are about its metric: another metric is another target.
        return ["program", "metric_key"] if obj is not None else []

    @admin.display(description=_("metric"), ordering="metric_key")
    def label(self, obj: Target) -> str:
        return obj.label

    @staticmethod
    def form_data(form) -> dict:
        return {name: value for name, value in form.cleaned_data.items()
                if name not in ("reason", "program", "metric_key")}

    def save_model(self, request, obj, form, change):
        if not change:
            obj.pk = services.target_create(program=form.cleaned_data["program"],
                                            metric_key=form.cleaned_data["metric_key"], **self.form_data(form)).pk
        # A change is saved with its county parts in save_related: a new value and new parts
        # are checked against each other, not against the old ones.

    def save_related(self, request, form, formsets, change):
        formset = next(formset for formset in formsets if isinstance(formset, CountyTargetFormSet))
        parts = formset.parts()
        # The history message reads these; the service replaced the parts as a whole.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if change:
            services.target_update(user=request.user, target=form.instance, data=self.form_data(form),
                                   reason=form.cleaned_data.get("reason", ""), parts=parts)
        else:
            services.target_split_set(target=form.instance, parts=parts)

    def delete_record(self, request, obj):
        services.target_delete(target=obj)


@admin.register(TargetChange)
class TargetChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["changed_at", "target", "field", "old_value", "new_value", "changed_by", "reason"]
    list_filter = ["target__program", "field"]
    list_select_related = ["target__program", "changed_by"]


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["as_of", "target", "region", "value", "computed_at"]
    list_filter = ["target__program", "target", "as_of"]
    list_select_related = ["target__program", "region"]
    date_hierarchy = "as_of"
    show_full_result_count = False
