"""Signals of the registries' shared write paths, and what follows a write once it commits.

``records_written`` is sent by a bulk path that skips the models' own signals
(``bulk_create``), with ``sender`` the model and ``count`` the rows written, so whatever
follows registry changes (the roll-up, caches) hears of those writes too.
"""
from collections.abc import Callable

from django.db import transaction
from django.dispatch import Signal

records_written = Signal()


def on_commit_once(func: Callable[[], None], using: str | None = None) -> None:
    """Run ``func`` once the current transaction commits, once however many writes in the
    transaction ask for it (at once outside a transaction). Its errors are logged, never
    raised to the writer."""
    connection = transaction.get_connection(using)
    if any(queued is func for _savepoints, queued, _robust in connection.run_on_commit):
        return
    transaction.on_commit(func, using=using, robust=True)
