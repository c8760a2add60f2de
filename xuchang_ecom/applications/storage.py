"""Where applicants' documents are kept: the ``private`` storage, never under the web root."""
from django.core.files.storage import Storage, storages


def private_storage() -> Storage:
    return storages["private"]
