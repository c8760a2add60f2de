"""The kernel's registries (metrics, sources of roll-ups, figure groups, grant kinds)."""
from dataclasses import dataclass

import pytest

from xuchang_ecom.common.registry import Registry


@dataclass(frozen=True)
class Thing:
    key: str


def test_a_registrys_keys_include_an_item_registered_after_they_were_read():
    registry: Registry[Thing] = Registry("Thing")
    registry.register(Thing("villages"))
    assert registry.keys() == {"villages"}

    registry.register(Thing("livestream"))

    assert registry.keys() == {"villages", "livestream"}


def test_a_key_registered_twice_by_two_items_is_refused():
    registry: Registry[Thing] = Registry("Thing")
    registry.register(Thing("villages"))

    with pytest.raises(ValueError, match="registered twice"):
        registry.register(Thing("villages"))
