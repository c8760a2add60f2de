"""The demo data, one module per app, loaded by ``manage.py load_demo`` in the order of
``REGISTRY_LOADERS``: the figures of the November 2020 report and the real public lists."""
