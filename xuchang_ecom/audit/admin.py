"""The audit trail in the admin: read by city staff, changed by nobody.

Listed newest first and searched by user (a filter, or the account's name in the search
box), by date (the date bar) and by registry, action and channel. Entries open read only;
nobody, not even a superuser, may add, change or delete one here (``ReadOnlyAdminMixin``),
and no other page of the platform writes them. This replaces auditlog's own admin, whose
labels are English and which lets a superuser delete entries in some cases.
"""
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import pgettext_lazy

from xuchang_ecom.common.admin import ReadOnlyAdminMixin, filter_number

from . import display, trail
from .models import LogEntry

# auditlog's admin registered itself for the entry model; this one replaces it.
if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)


class NumberFilter(admin.SimpleListFilter):
    """A filter by one number in ``field``."""

    field = ""

    def queryset(self, request, queryset):
        number = filter_number(self.value())
        return queryset if number is None else queryset.filter(**{self.field: number})


class RegistryFilter(NumberFilter):
    title = pgettext_lazy("audit trail", "registry")
    parameter_name = "registry"
    field = "content_type_id"

    def lookups(self, request, model_admin):
        kept = ContentType.objects.get_for_models(*trail.kept_models())
        return sorted(((content_type.pk, capfirst(model._meta.verbose_name_plural))
                       for model, content_type in kept.items()), key=lambda item: str(item[1]))


class ActionFilter(NumberFilter):
    title = pgettext_lazy("audit trail", "action")
    parameter_name = "action"
    field = "action"

    def lookups(self, request, model_admin):
        return [(str(action), label) for action, label in display.ACTIONS.items()
                if action != LogEntry.Action.ACCESS]


class ChannelFilter(admin.SimpleListFilter):
    title = pgettext_lazy("audit trail", "through")
    parameter_name = "via"

    def lookups(self, request, model_admin):
        return list(display.CHANNELS.items())

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(additional_data__via=value) if value in display.CHANNELS else queryset


class UserFilter(NumberFilter):
    """The staff accounts (those who may change registries through the admin or the API)."""

    title = pgettext_lazy("audit trail", "user")
    parameter_name = "user"
    field = "actor_id"

    def lookups(self, request, model_admin):
        return [(str(pk), username) for pk, username in
                get_user_model().objects.filter(is_staff=True).order_by("username").values_list("pk", "username")]


@admin.register(LogEntry)
class TrailAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    date_hierarchy = "timestamp"
    list_display = ["when", "registry", "record", "action_label", "who", "how", "changed_fields"]
    list_filter = [RegistryFilter, ActionFilter, ChannelFilter, UserFilter]
    search_fields = ["object_repr", "actor__username"]
    list_select_related = ["content_type", "actor"]
    ordering = ["-timestamp", "-pk"]
    fields = ["when", "registry", "record", "action_label", "who", "address", "how", "changes_table"]
    readonly_fields = fields
    # The trail grows by a row per change: counting it all on every page costs more than the page.
    show_full_result_count = False

    @admin.display(description=pgettext_lazy("audit trail", "time"), ordering="timestamp")
    def when(self, entry: LogEntry):
        return display.when(entry)

    @admin.display(description=pgettext_lazy("audit trail", "registry"))
    def registry(self, entry: LogEntry) -> str:
        model = entry.content_type.model_class()
        return capfirst(model._meta.verbose_name) if model is not None else entry.content_type.model

    @admin.display(description=pgettext_lazy("audit trail", "record"))
    def record(self, entry: LogEntry) -> str:
        if entry.action == LogEntry.Action.DELETE:
            return entry.object_repr
        try:
            url = reverse(f"admin:{entry.content_type.app_label}_{entry.content_type.model}_change",
                          args=[entry.object_pk], current_app=self.admin_site.name)
        except NoReverseMatch:
            return entry.object_repr
        return format_html('<a href="{}">{}</a>', url, entry.object_repr)

    @admin.display(description=pgettext_lazy("audit trail", "action"), ordering="action")
    def action_label(self, entry: LogEntry) -> str:
        return display.ACTIONS.get(entry.action, entry.action)

    @admin.display(description=pgettext_lazy("audit trail", "user"), ordering="actor__username")
    def who(self, entry: LogEntry) -> str:
        return display.actor_label(entry)

    @admin.display(description=pgettext_lazy("audit trail", "address"))
    def address(self, entry: LogEntry) -> str:
        return entry.remote_addr or display.EMPTY

    @admin.display(description=pgettext_lazy("audit trail", "through"))
    def how(self, entry: LogEntry) -> str:
        return display.channel_label(entry)

    @admin.display(description=pgettext_lazy("audit trail", "fields"))
    def changed_fields(self, entry: LogEntry) -> str:
        return "、".join(display.field_labels(entry))

    @admin.display(description=pgettext_lazy("audit trail", "changes"))
    def changes_table(self, entry: LogEntry) -> str:
        return display.changes_table(entry) or display.EMPTY
