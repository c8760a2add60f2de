"""The sessions admin's import: the shared import job (``records.importexport.jobs``) runs
``SessionImporter`` instead of a resource.

``SessionBulkImportAdminMixin`` goes first in the bases of the sessions' admin, before
``ScopedImportExportMixin``, whose upload page, job page, confirm and retry it keeps.
"""
from .rows import COLUMNS, REQUIRED_COLUMNS
from .sessions import SessionImporter


class SessionBulkImportAdminMixin:
    """The import of sessions through ``SessionImporter`` rather than a resource."""

    def get_importer(self, request, form=None):
        return SessionImporter

    def import_columns(self, request) -> tuple[list[str], list[str]]:
        opts = self.model._meta
        return ([str(opts.get_field(name).verbose_name) for name in COLUMNS],
                [str(opts.get_field(name).verbose_name) for name in REQUIRED_COLUMNS])
