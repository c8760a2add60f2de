"""A record's history page in the admin, from the audit trail.

The admin's change page links to "History" (``history_view``). For those who may read the
trail (``audit.view_logentry``: city staff) it lists every trail entry of the record,
newest first: when, who, what (added, changed, deleted), how (admin form, import with
its file and row, API …) and each field's value before and after, masked where the field
holds personal data. Everyone else keeps Django's own history of admin actions. The page
changes nothing.
"""
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import pgettext

from . import display, trail
from .models import LogEntry

VIEW_TRAIL = "audit.view_logentry"
PER_PAGE = 50


def history_entries(obj) -> QuerySet:
    """Trail entries of ``obj`` as the history page lists them (newest first)."""
    return LogEntry.objects.get_for_object(obj).select_related("actor", "content_type").order_by("-timestamp", "-pk")


class AuditHistoryMixin:
    """For a ModelAdmin: its history page shows the record's audit trail to those who may
    read it. Put it before ``admin.ModelAdmin`` (``ScopedAdminMixin`` includes it)."""

    audit_history_template = "admin/audit/object_history.html"

    def history_view(self, request, object_id, extra_context=None):
        if not request.user.has_perm(VIEW_TRAIL):
            return super().history_view(request, object_id, extra_context)
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        page = Paginator(history_entries(obj), PER_PAGE).get_page(request.GET.get("p"))
        name = trail.describe(obj)
        context = {
            **self.admin_site.each_context(request),
            "title": pgettext("audit trail", "History of %(record)s") % {"record": name},
            "subtitle": None,
            "record": name,
            "opts": self.opts,
            "object": obj,
            "page": page,
            "entries": [
                {"when": display.when(entry), "action": display.ACTIONS.get(entry.action, entry.action),
                 "who": display.actor_label(entry), "how": display.channel_label(entry),
                 "address": entry.remote_addr or "", "changes": display.changes(entry)}
                for entry in page
            ],
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.audit_history_template, context)
