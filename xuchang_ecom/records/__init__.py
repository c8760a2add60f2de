"""The records framework every registry builds on: the scoped admin, import and export (run
as background jobs: ``models.ImportJob``, ``tasks``), the generic scoped services and the
API's base classes. It knows accounts (scope), regions (places) and workflow (to tell an
uploader how an import ended), and no registry: the registries build on it."""
