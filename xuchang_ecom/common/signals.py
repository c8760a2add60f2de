"""Signals of the registries' shared write paths.

``records_written`` is sent by a bulk path that skips the models' own signals
(``bulk_create``), with ``sender`` the model and ``count`` the rows written, so whatever
follows registry changes (the roll-up, caches) hears of those writes too.
"""
from django.dispatch import Signal

records_written = Signal()
