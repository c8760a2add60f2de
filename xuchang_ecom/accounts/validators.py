"""Identifiers with check characters used across the registries."""
import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.common.masking import mask_resident_id, normalise_resident_id

# GB 32100-2015: 18 characters from this alphabet (no I, O, Z, S, V); the last is a
# check character computed modulo 31 with these weights.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def normalise_uscc(value: str) -> str:
    return "".join((value or "").split()).upper()


def uscc_check_character(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> None:
    """Raise ValidationError, naming the code and what is wrong with it, unless ``value``
    (after normalising spaces and case) is a valid unified social credit code."""
    code = normalise_uscc(value)
    if len(code) != 18:
        raise ValidationError(
            _("Unified social credit code “%(code)s” has %(length)s characters; it must have 18."),
            code="uscc_length",
            params={"code": code, "length": len(code)},
        )
    bad = sorted({ch for ch in code if ch not in USCC_ALPHABET})
    if bad:
        raise ValidationError(
            _("Unified social credit code “%(code)s” contains “%(characters)s”, which cannot appear in one "
              "(I, O, Z, S and V are never used)."),
            code="uscc_character",
            params={"code": code, "characters": "".join(bad)},
        )
    expected = uscc_check_character(code[:17])
    if expected != code[17]:
        raise ValidationError(
            _("Unified social credit code “%(code)s” has a wrong check character: the last character "
              "should be %(expected)s. Please check the code."),
            code="uscc_check",
            params={"code": code, "expected": expected},
        )


# GB 11643-1999: 17 digits, then a check character from this table indexed by the
# weighted sum modulo 11.
RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_CHECK = "10X98765432"
RESIDENT_ID_FORMAT = re.compile(r"[0-9]{17}[0-9X]")


def resident_id_check_character(first17: str) -> str:
    return RESIDENT_ID_CHECK[sum(int(d) * w for d, w in zip(first17, RESIDENT_ID_WEIGHTS, strict=True)) % 11]


def validate_resident_id(value: str) -> None:
    """Raise ValidationError unless ``value`` is a valid 18-character resident ID number.

    Messages show the number masked, never in full.
    """
    number = normalise_resident_id(value)
    masked = mask_resident_id(number)
    # ASCII digits only: str.isdigit() also accepts ² or full-width ３, which int() then
    # refuses or reads as another number.
    if len(number) != 18 or not RESIDENT_ID_FORMAT.fullmatch(number):
        raise ValidationError(
            _("Resident ID number %(number)s is not 17 digits followed by a digit or X."),
            code="resident_id_format", params={"number": masked},
        )
    try:
        datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("Resident ID number %(number)s does not contain a real date of birth."),
            code="resident_id_birth_date", params={"number": masked},
        ) from None
    if resident_id_check_character(number[:17]) != number[17]:
        raise ValidationError(
            _("Resident ID number %(number)s has a wrong check character; please check the number."),
            code="resident_id_check", params={"number": masked},
        )
