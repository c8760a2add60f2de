"""Things apps register by key when they start (metrics, aggregates, grant kinds): one
class for the bookkeeping all of them need."""
from typing import Generic, Protocol, TypeVar


class Keyed(Protocol):
    key: str


T = TypeVar("T", bound=Keyed)


class Registry(Generic[T]):
    def __init__(self, what: str):
        self.what = what
        self._items: dict[str, T] = {}
        self._keys: frozenset[str] | None = None

    def register(self, item: T) -> T:
        """Add ``item``; raises ValueError if its key is already taken by another one."""
        existing = self._items.get(item.key)
        if existing is not None and existing is not item:
            raise ValueError(f"{self.what} key {item.key!r} is registered twice")
        self._items[item.key] = item
        self._keys = None
        return item

    def get(self, key: str) -> T:
        """The item registered under ``key``; raises KeyError for an unknown key."""
        return self._items[key]

    def keys(self) -> frozenset[str]:
        """Every key registered; built once until the next ``register`` (it is read on every
        save: ``programs.triggers``)."""
        if self._keys is None:
            self._keys = frozenset(self._items)
        return self._keys

    def all(self) -> list[T]:
        """Every item, by key."""
        return sorted(self._items.values(), key=lambda item: item.key)

    def in_order_registered(self) -> list[T]:
        return list(self._items.values())
