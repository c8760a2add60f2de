"""The top floor: the demo data, the data generator and the benchmarks. They may import
every app; nothing imports them (import-linter holds this, see pyproject.toml)."""
