"""The columns of a resource: a field whose header is a model field's verbose name.

Headers are rendered in the active language when written, and a file whose headers are in
any configured language is read, so a file exported in one language re-imports in the
other. ``region_code_column`` adds the place's statistical code beside a place column.
"""
import contextlib
from collections.abc import Iterator

from import_export.fields import Field

from xuchang_ecom.records.importexport.cells import in_every_language
from xuchang_ecom.records.importexport.widgets import REGION_CODE_COLUMN, TextWidget


class Column(Field):
    """A resource field whose header is a (lazy) verbose name, rendered when asked, or
    fixed for the length of an import (``frozen``), which asks for it on every cell."""

    _frozen: str | None = None

    @property
    def column_name(self) -> str | None:
        if self._frozen is not None:
            return self._frozen
        return None if self._label is None else str(self._label)

    @column_name.setter
    def column_name(self, value) -> None:
        self._label = value

    @contextlib.contextmanager
    def frozen(self) -> Iterator[None]:
        """Within the block, the header is the one in the active language now."""
        self._frozen = self.column_name
        try:
            yield
        finally:
            self._frozen = None

    def headers(self) -> set[str]:
        """The header in every configured language (a file may come from either)."""
        return in_every_language(self._label) if self._label is not None else set()


def region_code_column(attribute: str) -> Column:
    """An export-only column with the statistical code of the place in ``attribute``.

    On import the place column's widget reads it (see ``RegionWidget``).
    """
    return Column(
        attribute=f"{attribute}__code", column_name=REGION_CODE_COLUMN,
        widget=TextWidget(), readonly=True,
    )
