"""Encryption at rest and keyed look-up hashes for personal data (resident ID numbers).

Keys come from the environment, apart from SECRET_KEY:

* ``PERSONAL_DATA_KEYS``: comma-separated Fernet keys. The first encrypts; every key
  decrypts, so a key is rotated by putting a new one first, running
  ``manage.py rotate_personal_data_keys`` (re-encrypts every value with the first key)
  and then removing the old one.
* ``PERSONAL_DATA_HASH_KEY``: the HMAC key for look-ups and uniqueness. An unkeyed hash
  of an 18-digit ID is brute-forced in minutes (the search space is small), a keyed one
  is not without the key. Changing it means recomputing every stored hash.
"""
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("PERSONAL_DATA_KEYS is empty: personal data cannot be encrypted.")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.PERSONAL_DATA_KEYS))


def encrypt(value: str) -> str:
    """The Fernet token (text) of ``value`` under the current key."""
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """The plain text of ``token``; raises InvalidToken if no configured key opens it."""
    return fernet().decrypt(token.encode()).decode()


def reencrypt(token: str) -> str:
    """``token`` encrypted again under the current (first) key."""
    return fernet().rotate(token.encode()).decode()


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of ``value`` under PERSONAL_DATA_HASH_KEY, as 64 hex characters."""
    key = settings.PERSONAL_DATA_HASH_KEY
    if not key:
        raise ImproperlyConfigured("PERSONAL_DATA_HASH_KEY is empty.")
    return hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token; Python code sees the plain text.

    The database can neither search nor sort it: pair it with a keyed-hash field for
    look-ups and uniqueness.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)


__all__ = ["EncryptedTextField", "InvalidToken", "decrypt", "encrypt", "keyed_hash", "reencrypt"]
