"""Checking an uploaded document by what it is, not by what it is called.

Applicants upload PDFs and images only. The first bytes of the file decide its type; a
file whose name says otherwise (an executable called ``licence.pdf``, a JPEG called
``.png``) is refused with a message the applicant can act on.
"""
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class DocumentType:
    content_type: str
    extensions: tuple[str, ...]
    signature: bytes


TYPES = (
    DocumentType("application/pdf", (".pdf",), b"%PDF-"),
    DocumentType("image/png", (".png",), b"\x89PNG\r\n\x1a\n"),
    DocumentType("image/jpeg", (".jpg", ".jpeg"), b"\xff\xd8\xff"),
)


def document_check(*, name: str, head: bytes, size: int) -> str:
    """The content type of an upload called ``name`` of ``size`` bytes starting with
    ``head``. Raises ValidationError if it is empty, too large, not a PDF or image, or not
    what its extension says."""
    limit = settings.APPLICATION_DOCUMENT_MAX_BYTES
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > limit:
        raise ValidationError(_("The file is %(size)s; documents may be at most %(limit)s.")
                              % {"size": filesizeformat(size), "limit": filesizeformat(limit)}, code="too_large")
    extension = PurePath(name).suffix.lower()
    found = next((kind for kind in TYPES if head.startswith(kind.signature)), None)
    allowed = "、".join(ext for kind in TYPES for ext in kind.extensions)
    if found is None:
        raise ValidationError(_("Only PDF files and images (%(allowed)s) can be uploaded; this file is neither.")
                              % {"allowed": allowed}, code="type")
    if extension not in found.extensions:
        raise ValidationError(
            _("The file is called “%(name)s” but its content is %(type)s: save it with the right extension and "
              "upload it again.") % {"name": PurePath(name).name, "type": found.content_type}, code="mismatch")
    return found.content_type
