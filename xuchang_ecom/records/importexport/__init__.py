"""The one way every registry imports and exports spreadsheets (.xlsx and .csv).

A registry declares a resource that subclasses ``resources.Resource`` and names its
services; its ModelAdmin adds ``admin.ScopedImportExportMixin``. Everything else is shared,
one job to a module (each imports only those above it in this list):

* ``cells``: what a cell holds; formula-like text escaped on export and unescaped on
  import, so an exported file always re-imports unchanged.
* ``uploads``: an upload checked before parsing (size, that the content is what the
  extension says, the unpacked size of an .xlsx and how far its cells reach) and
  ``ImportFileRejected``.
* ``reading``: a file read row by row, for every import (the sessions' bulk import too):
  CSV encodings, .xlsx by python-calamine, blank rows skipped but counted in the row
  numbers, ``IMPORT_MAX_ROWS``.
* ``formats``: .csv and .xlsx read into a Dataset and written; ``IMPORT_EXPORT_FORMATS``.
* ``widgets``: one cell to one value and back: text, numbers, dates, choices, places,
  related rows looked up among those the acting user may see.
* ``columns``: headers in every configured language, so a file exported in one language
  re-imports in the other.
* ``resources``: the resource base, all or nothing through the app's services as the acting
  user, every bad row reported by its spreadsheet row number and column.
* ``forms``: the admin's upload and export forms.
* ``admin``: ``ScopedImportExportMixin``, the glue to django-import-export's admin.

Names are imported from the module that defines them; this package re-exports nothing.
"""
