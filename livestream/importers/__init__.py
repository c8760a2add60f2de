"""The bulk import of livestream sessions (直播场次): a 100,000-row file in one go.

The registries' resources (``xuchang_ecom.records.importexport.resources.Resource``) save
row by row through the services, at several queries a row. Sessions arrive in far larger
files, so they come in here instead, under the same rules as the shared way: the export's
column headers in any configured language; places by path or statistical code, choices by
label or value, related rows by name, nothing created on the fly; every row's place inside
the acting user's area; all or nothing, with every bad row reported by its spreadsheet row
number (the header is row 1) and column, the file read row by row as every import reads
it (``xuchang_ecom.records.importexport.reading``), so memory does not grow with it. What
differs is how the rows are checked and written, one job to a module (each imports only
those above it in this list):

* ``rows``: each row checked against lookups loaded once into dicts (no query a row) and
  the model's rules applied directly instead of by ``full_clean``.
* ``writers``: the valid rows written in batches with their anchor links and audit trail
  entries; on PostgreSQL with COPY, in a second thread while the next batch is read.
* ``sessions``: ``session_bulk_import``, the import itself, and ``SessionImporter``, what
  an import job (``records.importexport.jobs``) runs for it.
* ``admin``: the sessions admin's import, the shared import job running ``SessionImporter``.

Names are imported from the module that defines them; this package re-exports nothing.
"""
