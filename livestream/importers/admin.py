"""The sessions admin's import: upload and preview (a dry run), then confirm.

``SessionBulkImportAdminMixin`` replaces django-import-export's import views for sessions
with ``session_bulk_import``; the upload waits for the confirm step in ``storage``.
"""
from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from xuchang_ecom.records.importexport.formats import SpreadsheetFormat
from xuchang_ecom.records.importexport.forms import SpreadsheetImportForm
from xuchang_ecom.records.importexport.uploads import ImportFileRejected

from .rows import COLUMNS, REQUIRED_COLUMNS
from .sessions import session_bulk_import
from .storage import TOKEN_PATTERN, upload_keep, upload_take


class SessionImportConfirmForm(forms.Form):
    """The confirm step: which kept upload to import, and its format."""

    token = forms.RegexField(regex=TOKEN_PATTERN, widget=forms.HiddenInput)
    format = forms.TypedChoiceField(coerce=int, choices=(), widget=forms.HiddenInput)
    file_name = forms.CharField(max_length=255, required=False, widget=forms.HiddenInput)

    def __init__(self, formats: Sequence[type[SpreadsheetFormat]], **kwargs):
        super().__init__(**kwargs)
        self.fields["format"].choices = [(index, index) for index in range(len(formats))]


class SessionBulkImportAdminMixin:
    """The sessions admin's import, through ``session_bulk_import`` instead of a resource.

    Put it first in the bases of an ``ImportExportModelAdmin`` with
    ``ScopedImportExportMixin``: it replaces the views behind the change list's import
    button (``admin:<app>_<model>_import`` and ``…_process_import``). Both need the import
    permission. Step 1 uploads a file and shows every error or the number of valid rows;
    step 2 imports the kept upload and returns to the change list.
    """

    bulk_import_template = "admin/livestream/session/bulk_import.html"

    def import_action(self, request: HttpRequest, **kwargs) -> HttpResponse:
        """Upload and dry run; shows the errors, or a confirm button when every row is valid."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        formats = self.get_import_formats()
        form = SpreadsheetImportForm(
            formats, self.get_import_resource_classes(request),
            data=request.POST or None, files=request.FILES or None,
        )
        context: dict[str, Any] = {"form": form}
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["import_file"]
            index = int(form.cleaned_data["format"])
            data = upload.read()
            try:
                result = session_bulk_import(user=request.user, data=data, file_format=formats[index](), dry_run=True,
                                             file_name=upload.name)
            except ImportFileRejected as error:
                form.add_error("import_file", error.as_validation_error())
            else:
                context["result"] = result
                if result.ok:
                    context["confirm_form"] = SessionImportConfirmForm(formats, initial={
                        "token": upload_keep(user=request.user, data=data), "format": index,
                        "file_name": upload.name,
                    })
        return self._bulk_import_page(request, context)

    @method_decorator(require_POST)
    def process_import(self, request: HttpRequest, **kwargs) -> HttpResponse:
        """Import the upload kept at the preview; back to the change list when done, else
        the upload page with the reason."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        formats = self.get_import_formats()
        context: dict[str, Any] = {"form": SpreadsheetImportForm(formats, self.get_import_resource_classes(request))}
        confirm_form = SessionImportConfirmForm(formats, data=request.POST)
        data = None
        if confirm_form.is_valid():
            data = upload_take(user=request.user, token=confirm_form.cleaned_data["token"])
        if data is None:
            context["refusal"] = gettext("The uploaded file is no longer available; upload it again.")
            return self._bulk_import_page(request, context)
        file_format = formats[confirm_form.cleaned_data["format"]]()
        try:
            result = session_bulk_import(user=request.user, data=data, file_format=file_format, dry_run=False,
                                         file_name=confirm_form.cleaned_data["file_name"])
        except ImportFileRejected as error:
            context["refusal"] = error.message
            return self._bulk_import_page(request, context)
        if not result.ok:
            # A row changed meaning since the preview (a platform renamed, say).
            return self._bulk_import_page(request, {**context, "result": result})
        messages.success(request, ngettext(
            "Imported %(count)d livestream session.", "Imported %(count)d livestream sessions.", result.created,
        ) % {"count": result.created})
        app_label, model_name = self.get_model_info()
        return HttpResponseRedirect(
            reverse(f"admin:{app_label}_{model_name}_changelist", current_app=self.admin_site.name)
        )

    def _bulk_import_page(self, request: HttpRequest, context: dict[str, Any]) -> TemplateResponse:
        opts = self.model._meta
        form = context["form"]
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.bulk_import_template], {
            **self.admin_site.each_context(request),
            "title": gettext("Import %(name)s") % {"name": opts.verbose_name_plural},
            "opts": opts,
            "media": self.media + form.media,
            "columns": [str(opts.get_field(name).verbose_name) for name in COLUMNS],
            "required_columns": [str(opts.get_field(name).verbose_name) for name in REQUIRED_COLUMNS],
            **context,
        })
