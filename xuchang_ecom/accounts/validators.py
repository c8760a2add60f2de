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
    """Raise ValidationError unless ``value`` is a well-formed unified social credit code."""
    code = normalise_uscc(value)
    if len(code) != 18 or any(ch not in USCC_ALPHABET for ch in code):
        raise ValidationError(
            _("A unified social credit code has 18 characters (digits and capital letters)."),
            code="uscc_format",
        )
    if uscc_check_character(code[:17]) != code[17]:
        raise ValidationError(
            _("The unified social credit code’s check character is wrong; please check it."),
            code="uscc_check",
        )
