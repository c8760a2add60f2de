"""Permission codenames every registry model has."""

# Django's four plus the two django-import-export checks (IMPORT_EXPORT_*_PERMISSION_CODE):
# a registry model sets ``default_permissions = REGISTRY_PERMISSIONS``.
REGISTRY_PERMISSIONS = ("add", "change", "delete", "view", "import", "export")
