"""Import and export in a registry's admin: ``ScopedImportExportMixin`` and the download's name.

A registry's ModelAdmin adds ``ScopedImportExportMixin`` before ``ImportExportModelAdmin``.
An upload is checked (``forms``) and handed to a background job (``jobs``): the import page
answers at once with the job's page, which follows its progress, shows the counts and the
first problems, offers the rows with errors as a workbook to download, and the confirm (or,
for a job whose worker stopped, the retry) button. The import page lists the user's recent
imports. The resource gets the acting user, and the export file is named after the
registry and today's date (``export_disposition``).
"""
import os

from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_POST

from xuchang_ecom.common.errors import Conflict
from xuchang_ecom.records.importexport.formats import configured_formats
from xuchang_ecom.records.importexport.forms import SpreadsheetExportForm, SpreadsheetImportForm
from xuchang_ecom.records.importexport.jobs import (
    import_job_confirm,
    import_job_errors,
    import_job_progress,
    import_job_refresh,
    import_job_retry,
    import_job_start,
    job_url,
)
from xuchang_ecom.records.importexport.uploads import ImportFileRejected
from xuchang_ecom.records.models import ImportJob

#: The recent imports listed on the import page.
RECENT_IMPORTS = 10
#: A running job's page reloads itself after this many seconds.
REFRESH_SECONDS = 2

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
    ``ScopedAdminMixin``). An upload starts an import job (``jobs``) run by the resource
    (``get_importer``); its page shows the check's counts and problems, the rows with errors
    to download, and the confirm, which imports all or nothing. A registry's own change-list
    template extends ``admin/import_export/change_list_import_export.html``.
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

    # -- import, through a background job -------------------------------------------------

    import_page_template = "admin/records/import.html"
    import_job_template = "admin/records/import_job.html"

    def get_urls(self):
        app_label, model_name = self.get_model_info()
        return [
            path("import/<int:job_id>/", self.admin_site.admin_view(self.import_job_view),
                 name=f"{app_label}_{model_name}_import_job"),
            path("import/<int:job_id>/errors/", self.admin_site.admin_view(self.import_errors_view),
                 name=f"{app_label}_{model_name}_import_errors"),
            *super().get_urls(),
        ]

    def get_importer(self, request, form=None):
        """The class the job runs: the resource chosen on the upload ``form`` (the first
        without one)."""
        resources = self.get_import_resource_classes(request)
        return resources[int(form.cleaned_data.get("resource") or 0) if form is not None else 0]

    def import_columns(self, request) -> tuple[list[str], list[str]]:
        """The headers the import reads, and those a file must have."""
        resource = self.get_import_resource_classes(request)[0](user=request.user)
        columns = [str(field.column_name) for field in resource.get_import_fields()]
        required = [str(resource.fields[name].column_name) for name in resource.get_import_id_fields()]
        return columns, required

    def import_action(self, request, **kwargs):
        """The upload page: a valid upload starts a job and leads to its page."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        formats = self.get_import_formats()
        form = SpreadsheetImportForm(formats, self.get_import_resource_classes(request),
                                     data=request.POST or None, files=request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["import_file"]
            try:
                job = import_job_start(
                    user=request.user, model=self.model, importer=self.get_importer(request, form),
                    data=upload.read(), file_name=os.path.basename(upload.name),
                    file_format=formats[int(form.cleaned_data["format"])](),
                )
            except ImportFileRejected as error:
                form.add_error("import_file", error.as_validation_error())
            else:
                return HttpResponseRedirect(job_url(job))
        columns, required = self.import_columns(request)
        return self._import_page(request, self.import_page_template, {
            "form": form, "columns": columns, "required_columns": required,
            "recent_imports": self._jobs(request)[:RECENT_IMPORTS],
        })

    def import_job_view(self, request, job_id: int):
        """A job's page: its progress while it runs, then its outcome."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        job = import_job_refresh(get_object_or_404(self._jobs(request), pk=job_id))
        return self._import_page(request, self.import_job_template, {
            "job": job, "progress": import_job_progress(job),
            "refresh_seconds": REFRESH_SECONDS if job.running else None,
        })

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """Confirm a checked job (``confirm``) or retry a stopped one (``retry``)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        try:
            job = get_object_or_404(self._jobs(request), pk=int(request.POST.get("job", "")))
        except ValueError:
            raise Http404 from None
        try:
            if "retry" in request.POST:
                import_job_retry(user=request.user, job=job)
            else:
                import_job_confirm(user=request.user, job=job)
        except Conflict as error:
            messages.error(request, str(error))
        return HttpResponseRedirect(job_url(job))

    def import_errors_view(self, request, job_id: int):
        """The rows of a job that had errors, as a workbook of the uploaded format."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        job = get_object_or_404(self._jobs(request), pk=job_id)
        content = import_job_errors(job)
        if content is None:
            raise Http404
        stem = os.path.splitext(job.file_name)[0] or self.model._meta.model_name
        response = HttpResponse(content, content_type="application/octet-stream")
        response["Content-Disposition"] = export_disposition(
            gettext("%(name)s-errors.%(extension)s") % {"name": stem, "extension": job.file_format},
            fallback=f"import-{job.pk}-errors.{job.file_format}",
        )
        return response

    def _jobs(self, request):
        return ImportJob.objects.visible_to(request.user).filter(
            registry=ContentType.objects.get_for_model(self.model))

    def _import_page(self, request, template: str, context: dict) -> TemplateResponse:
        opts = self.model._meta
        request.current_app = self.admin_site.name
        form = context.get("form")
        return TemplateResponse(request, [template], {
            **self.admin_site.each_context(request),
            "title": gettext("Import %(name)s") % {"name": opts.verbose_name_plural},
            "opts": opts,
            "media": self.media + form.media if form is not None else self.media,
            **context,
        })

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
