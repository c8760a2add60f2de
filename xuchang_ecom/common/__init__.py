"""The kernel: what every app builds on and that knows no app of the project (import-linter
holds this). Constraints and model helpers, encrypted fields and keyed hashes, masking,
the metric and other registries, bulk writes, signals, the public cache, pagination,
numbers, domain errors (``errors``), the admin site and its generic helpers, middleware."""
