"""Identifiers with check characters used across the registries."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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
