"""What an approved application grants, by the kind of call.

Each registry app registers the kinds it grants (``livestream.applications``): which of
an organisation's records an application is about (its agency, one of its brands …) and
the registry's own service that writes the recognition, so the plan's metrics, roll-ups
and dashboard move without anyone retyping it. A kind with no registry record (a support
fund) grants nothing in a registry.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.accounts.models import Organisation
from xuchang_ecom.common.registry import Registry


@dataclass(frozen=True)
class GrantKind:
    key: str
    label: str
    #: The records of an organisation an application may be about; None: no record.
    subjects: Callable[[Organisation], QuerySet] | None = None
    #: Write the recognition of ``subject`` dated ``on`` (the call's ``batch`` given), as
    #: ``user``, through the registry's service.
    grant: Callable[..., None] | None = None
    #: What the public notice says was granted.
    granted: str = ""


_KINDS: Registry[GrantKind] = Registry("Grant kind")
register = _KINDS.register
get_kind = _KINDS.get


def kind_choices() -> list[tuple[str, str]]:
    return [(kind.key, kind.label) for kind in _KINDS.in_order_registered()]


SUPPORT_FUND = register(GrantKind(key="support_fund", label=_("Support fund"), granted=_("support fund")))


def grant(*, user, kind: str, subject, on: date, batch: str) -> None:
    """Write the recognition of ``subject`` for a call of ``kind``; nothing for a kind
    without a registry record."""
    grant_kind = get_kind(kind)
    if grant_kind.grant is not None and subject is not None:
        grant_kind.grant(user=user, subject=subject, on=on, batch=batch)
