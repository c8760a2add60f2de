"""The records framework every registry builds on: the scoped admin, import and export,
the generic scoped services and the API's base classes. It knows accounts (scope) and
regions (places), and no registry: the registries build on it."""
