"""Import and export in a registry's admin: ``ScopedImportExportMixin`` and the download's name.

A registry's ModelAdmin adds ``ScopedImportExportMixin`` before ``ImportExportModelAdmin``:
the resource gets the acting user, the upload and export forms are those of ``forms``, a
confirm step that fails lists every error and writes nothing, and the export file is named
after the registry and today's date (``export_disposition``).
"""
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext, gettext_noop, ngettext

from xuchang_ecom.records.importexport.formats import configured_formats
from xuchang_ecom.records.importexport.forms import SpreadsheetExportForm, SpreadsheetImportForm
from xuchang_ecom.records.importexport.uploads import ImportFileRejected

# The errors a failed confirm step lists, one message each, before saying how many more.
CONFIRM_MESSAGES = 50

# django-import-export's messages that its own zh_Hans catalogue leaves untranslated or
# garbles ("某些行验数据证失败"): named here so that makemessages keeps them in ours, which
# LOCALE_PATHS puts before the apps' catalogues. Its templates' strings are in our
# overrides in templates/admin/import_export/.
VENDORED_MESSAGES = (
    gettext_noop("%(exc_name)s encountered while trying to read file. Ensure you have chosen the correct "
                 "format for the file."),
    gettext_noop("No valid data to import. Ensure your file has the correct headers or data for import."),
    gettext_noop('Select at least 1 field for "%(resource_name)s" to export'),
    gettext_noop("Value could not be parsed."),
    gettext_noop("Resource"),
)


class ScopedImportExportMixin:
    """Import and export for a registry's admin; put it before ``ImportExportModelAdmin``.

    The resource gets the acting user; the import needs the ``import_<model>`` permission
    and the export ``export_<model>``; the export lists ``get_queryset`` (scoped by
    ``ScopedAdminMixin``). A preview lists every bad row, and the confirm step writes
    nothing if any row fails. A registry's own change-list template extends
    ``admin/import_export/change_list_import_export.html``.
    """

    import_form_class = SpreadsheetImportForm
    export_form_class = SpreadsheetExportForm

    @property
    def formats(self):
        return configured_formats()

    def init_change_list_template(self):
        super().init_change_list_template()
        if self.ie_base_change_list_template != "admin/change_list.html":
            # The registry's template already extends import-export's; using it as the
            # base as well would make it extend itself.
            self.change_list_template = self.ie_base_change_list_template
            self.ie_base_change_list_template = "admin/change_list.html"

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {"user": request.user}

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportFileRejected):
            form.add_error("import_file", e.as_validation_error())
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def process_result(self, result, request):
        """Report a failed confirm step (nothing was written) or finish as usual."""
        if result.has_errors() or result.has_validation_errors():
            messages.error(request, gettext("Nothing was imported: the file has errors."))
            lines = result.messages()
            for line in lines[:CONFIRM_MESSAGES]:
                messages.error(request, line)
            if len(lines) > CONFIRM_MESSAGES:
                left = len(lines) - CONFIRM_MESSAGES
                messages.error(request, ngettext("…and %(count)d more error.", "…and %(count)d more errors.", left)
                               % {"count": left})
            app_label, model_name = self.get_model_info()
            return HttpResponseRedirect(
                reverse(f"admin:{app_label}_{model_name}_import", current_app=self.admin_site.name)
            )
        return super().process_result(result, request)

    def export_action(self, request):
        try:
            return super().export_action(request)
        except IncorrectLookupParameters:
            # The export lists the change list's filters: a value they refuse ("²" for a
            # county, a year of 30 digits) is answered as the change list answers it.
            app_label, model_name = self.get_model_info()
            changelist = reverse(f"admin:{app_label}_{model_name}_changelist", current_app=self.admin_site.name)
            return HttpResponseRedirect(f"{changelist}?{ERROR_FLAG}=1")

    def get_export_filename(self, request, queryset, file_format) -> str:
        """``淘宝村/淘宝镇认定-2026-12-01.xlsx``: the registry's name as staff read it and
        today's date where the bureau is; a ``/`` in the name would start a folder."""
        name = str(self.model._meta.verbose_name_plural).replace("/", "、")
        return f"{name}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        response = super()._do_file_export(file_format, request, queryset, export_form=export_form)
        response["Content-Disposition"] = export_disposition(
            self.get_export_filename(request, queryset, file_format),
            fallback=f"{self.model._meta.model_name}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}",
        )
        return response

    def get_export_data(self, file_format, request, queryset, **kwargs):
        """The export file's bytes; raises PermissionDenied without the export permission."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        # Upstream keeps native types only for its own XLSX class, not for subclasses.
        kwargs["force_native_type"] = getattr(file_format, "native_types", False)
        data = self.get_data_for_export(request, queryset, **kwargs)
        return file_format.export_data(data)


def export_disposition(filename: str, *, fallback: str) -> str:
    """A download's ``Content-Disposition``: ``filename`` as RFC 5987 ``filename*`` (UTF-8)
    for today's browsers and the ASCII ``fallback`` as ``filename`` for older clients."""
    header = content_disposition_header(as_attachment=True, filename=filename)
    if "filename*=" not in header:
        return header  # an ASCII name needs no fallback
    return f'attachment; filename="{fallback}"; {header.removeprefix("attachment; ")}'
