"""How every import reads a number cell (``importexport.widgets.parse_number``): the
registries' number columns and the livestream sessions' bulk import alike."""
from decimal import Decimal

import pytest

from xuchang_ecom.records.importexport.widgets import DecimalNumberWidget, WholeNumberWidget, parse_number


@pytest.mark.parametrize("value,expected", [
    (1234.5600000000002, Decimal("1234.56")),  # as a computed cell stores 1234.56
    (2020.0, Decimal(2020)),
    (7, Decimal(7)),
    ("1,234.50", Decimal("1234.50")),
    ("１２，３４５", Decimal(12345)),
    (" 12 345 ", Decimal(12345)),
    ("1E+30", Decimal("1E+30")),
    ("", None),
    ("  ", None),
    (None, None),
])
def test_a_cell_is_read_as_the_number_excel_shows(value, expected):
    assert parse_number(value, "Enter a number.") == expected


@pytest.mark.parametrize("value", ["1E+1000000", "1E+31", "NaN", "-Infinity", "十二", "1.2.3", True])
def test_what_is_no_number_a_column_could_hold_is_refused_at_once(value):
    with pytest.raises(ValueError, match="Enter a number."):
        parse_number(value, "Enter a number.")


def test_the_registries_number_columns_read_excels_numbers_to_the_digits_it_shows():
    assert DecimalNumberWidget().clean(1234.5600000000002) == Decimal("1234.56")
    assert WholeNumberWidget().clean(2020.0) == 2020
    with pytest.raises(ValueError):
        WholeNumberWidget().clean("1E+1000000")
