"""Keeping an upload between the preview (a dry run) and the confirm step.

The file is kept in default storage under a random token and the uploader's id, so one
user cannot confirm another's upload; uploads never confirmed are removed after a day.
"""
import contextlib
import re
import secrets
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from xuchang_ecom.accounts.models import User

#: Where an upload waits between the preview and the confirm step (default storage).
UPLOAD_FOLDER = "import-tmp"
#: Uploads never confirmed are removed after this long.
UPLOAD_MAX_AGE = timedelta(days=1)
TOKEN_PATTERN = r"^[0-9a-f]{32}$"


def upload_keep(*, user: User, data: bytes) -> str:
    """Keep ``data`` for ``user``'s confirm step; returns the random token naming it."""
    _uploads_sweep()
    token = secrets.token_hex(16)
    default_storage.save(_upload_name(user, token), ContentFile(data))
    return token


def upload_take(*, user: User, token: str) -> bytes | None:
    """The upload ``user`` kept under ``token``, removed from storage; None if gone."""
    name = _upload_name(user, token)
    if not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as file:
        data = file.read()
    default_storage.delete(name)
    return data


def _upload_name(user: User, token: str) -> str:
    # Built here from the user and a checked token, never from a path the browser sent;
    # the user's id keeps one user from confirming another's upload.
    if not re.fullmatch(TOKEN_PATTERN, token):
        raise ValueError("invalid upload token")
    return f"{UPLOAD_FOLDER}/session-{user.pk}-{token}"


def _uploads_sweep() -> None:
    try:
        _folders, names = default_storage.listdir(UPLOAD_FOLDER)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - UPLOAD_MAX_AGE
    for name in names:
        path = f"{UPLOAD_FOLDER}/{name}"
        with contextlib.suppress(FileNotFoundError):  # another request may have taken it
            if name.startswith("session-") and default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
