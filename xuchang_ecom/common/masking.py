"""Masking of personal data for everyone without the permission to see it in full."""
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db.models.constants import LOOKUP_SEP

#: What the masks put in place of the hidden characters; a cell containing it is a masked
#: value coming back, never a value to store.
MASK_CHARACTER = "*"


def normalise_resident_id(value: str) -> str:
    """Spaces removed, full-width digits (a Chinese input method's ４１０…) made ASCII and a
    lower-case x raised, as people type and Excel stores it."""
    return "".join(unicodedata.normalize("NFKC", value or "").split()).upper()


def mask_resident_id(value: str) -> str:
    """``410182********123X``: the first 6 and last 4 characters, the rest starred."""
    value = normalise_resident_id(value)
    if len(value) <= 10:
        return MASK_CHARACTER * len(value)
    return value[:6] + MASK_CHARACTER * (len(value) - 10) + value[-4:]


def mask_name(value: str) -> str:
    """``张三丰`` → ``张**``: the family name stays so staff can still tell people apart."""
    value = (value or "").strip()
    if not value:
        return ""
    return value[0] + MASK_CHARACTER * max(len(value) - 1, 1)


def mask_mobile(value: str) -> str:
    """``13812345678`` → ``138****5678``; anything shorter than 7 characters is fully masked."""
    value = "".join((value or "").split())
    if not value:
        return ""
    if len(value) < 7:
        return MASK_CHARACTER * len(value)
    return value[:3] + MASK_CHARACTER * (len(value) - 7) + value[-4:]


def mask_email(value: str) -> str:
    """``zhang.san@example.org`` → ``z*******@example.org``: the domain stays, the mailbox
    keeps its first character; text without ``@`` is fully masked."""
    value = (value or "").strip()
    if not value:
        return ""
    mailbox, at, domain = value.rpartition("@")
    if not at or not mailbox:
        return MASK_CHARACTER * len(value)
    return mailbox[0] + MASK_CHARACTER * max(len(mailbox) - 1, 1) + "@" + domain


@dataclass(frozen=True)
class PersonalData:
    """Which fields of a model are personal data, and who may read them in full.

    A model declares it as ``personal_data = PersonalData(...)``. Users without
    ``permission`` see ``masks[field](value)`` instead of a value, and no screen searches,
    filters or sorts by those fields for them: a list that answers ``?real_name=王五`` or
    sorts by the hidden part of a name confirms a guess as surely as showing it. ``hidden``
    fields (an encrypted number, its keyed hash) are never searched, filtered or sorted
    by anyone.
    """

    permission: str
    masks: Mapping[str, Callable[[str], str]] = field(default_factory=dict)
    hidden: tuple[str, ...] = ()

    def may_read(self, user) -> bool:
        return bool(user and user.is_authenticated and user.is_active and user.has_perm(self.permission))

    def shown(self, instance, *, user) -> dict[str, str]:
        """``{field: value}`` of ``instance``'s masked fields as ``user`` may see them."""
        full = self.may_read(user)
        return {name: (value if full else mask(value))
                for name, mask in self.masks.items() for value in [getattr(instance, name) or ""]}

    def closed_to(self, user) -> set[str]:
        """The fields ``user`` may not search, filter or sort by."""
        return set(self.hidden) | (set() if self.may_read(user) else set(self.masks))


def personal_data_of(model) -> PersonalData | None:
    """The model's ``personal_data`` declaration, or None for a model without personal data."""
    declared = getattr(model, "personal_data", None)
    return declared if isinstance(declared, PersonalData) else None


def lookup_reveals(model, lookup: str, *, user) -> bool:
    """Whether searching, filtering or sorting ``model`` by ``lookup`` (a field path such
    as ``household__head_name__startswith``, optionally with a search or ordering prefix)
    would tell ``user`` something of personal data they may not read."""
    for part in lookup.lstrip("-^=@").split(LOOKUP_SEP):
        try:
            model_field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False  # a transform or lookup such as startswith: the path has ended
        personal = personal_data_of(model)
        if personal is not None and part in personal.closed_to(user):
            return True
        if not model_field.is_relation or model_field.related_model is None:
            return False
        model = model_field.related_model
    return False
