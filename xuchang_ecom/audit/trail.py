"""What the audit trail keeps, what it masks, and how an entry is completed.

django-auditlog writes one entry (``audit.models.LogEntry``) per create, update and delete
of a registered model, from the model signals, so the admin, the imports, the API and the
services are all caught alike; an entry holds the changed fields' values before and after
(JSON), the acting user, the time and ``additional_data`` (how: ``context.how``). This
module decides:

* which models are kept (``KEPT``): the registries, the plan's programs and targets,
  organisations, accounts and places; never logs or derived tables (snapshots, monthly
  totals, reveal logs, notifications, reminders, log-in records);
* which fields are left out (a resident ID number's keyed hash, a password, the last
  log-in, automatic timestamps) and which are masked with the project's own masks (names,
  resident ID, mobile numbers, e-mail addresses);
* how an entry is completed before it is saved (``complete``): masked, described without
  personal data (``describe``: ``object_repr`` of such a record never comes from ``str()``),
  and given the user, address and channel of the context.

auditlog reads a model's attributes, so a resident ID number reaches an entry decrypted,
and masked here: its encrypted token never does. Paths that write without model signals
(``bulk_create``, queryset ``update``, COPY) write their entries through
``xuchang_ecom.audit.bulk``.
"""
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field, replace

from auditlog.registry import auditlog
from auditlog.signals import pre_log
from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models.signals import pre_save
from django.utils.encoding import smart_str

from xuchang_ecom.common.masking import mask_email, mask_mobile, mask_name, mask_resident_id, personal_data_of

from . import context
from .models import LogEntry

Mask = Callable[[str], str]


@dataclass(frozen=True)
class Kept:
    """How one model is kept in the trail."""

    #: Fields never recorded (besides the primary key, which the entry names anyway).
    exclude: tuple[str, ...] = ()
    #: Fields recorded only through their mask, never in full, besides those the model
    #: declares personal (``personal_data``, ``common.masking``), which ``register`` adds.
    masks: Mapping[str, Mask] = field(default_factory=dict)
    #: Many-to-many fields whose additions and removals are recorded.
    m2m: tuple[str, ...] = ()
    #: The entry's description of a record whose ``str()`` shows personal data.
    describe: Callable[[models.Model], str] | None = None


def _household(household) -> str:
    return f"{mask_name(household.head_name)} {mask_resident_id(household.resident_id)}"


def _employment(employment) -> str:
    return f"{mask_name(employment.member_name)} @ {employment.workplace}"


def _household_link(link) -> str:
    workplace = getattr(link, "workplace", None) or link.enterprise
    return f"{_household(link.household)} · {workplace}"


KEPT: dict[str, Kept] = {
    # Taobao villages and towns
    "villages.SourceReport": Kept(),
    "villages.Designation": Kept(exclude=("created_at", "updated_at")),
    "villages.Honour": Kept(),
    # Livestream e-commerce
    "livestream.Platform": Kept(),
    "livestream.Cluster": Kept(),
    "livestream.Base": Kept(m2m=("platforms",)),
    "livestream.Agency": Kept(),
    "livestream.Brand": Kept(),
    "livestream.Anchor": Kept(),
    "livestream.AnchorAccount": Kept(),
    "livestream.Session": Kept(m2m=("anchors",)),
    "livestream.Training": Kept(),
    "livestream.Contest": Kept(),
    # E-commerce poverty alleviation
    "poverty.AlleviationModel": Kept(),
    "poverty.Enterprise": Kept(m2m=("alleviation_models",)),
    "poverty.Base": Kept(),
    # Shown masked to everyone, in the trail too (its hash is not recorded at all).
    "poverty.Household": Kept(exclude=("id_hash",), masks={"resident_id": mask_resident_id}, describe=_household),
    "poverty.Employment": Kept(describe=_employment),
    "poverty.LandLease": Kept(describe=_household_link),
    "poverty.Dividend": Kept(describe=_household_link),
    "poverty.TakeHomeWork": Kept(describe=_household_link),
    # The plan
    "programs.Program": Kept(),
    "programs.Target": Kept(),
    "programs.CountyTarget": Kept(),
    # Organisations, accounts (their group membership and permissions too) and places
    "accounts.Organisation": Kept(exclude=("created_at",),
                                  masks={"contact_name": mask_name, "contact_phone": mask_mobile}),
    "accounts.User": Kept(exclude=("password", "last_login"),
                          masks={"first_name": mask_name, "last_name": mask_name, "email": mask_email},
                          m2m=("groups", "user_permissions")),
    "regions.Region": Kept(),
}

#: ``KEPT`` by model class, filled by ``register``.
_by_model: dict[type[models.Model], Kept] = {}
# The record auditlog is about to log (its ``pre_log`` signal), so that the entry, saved
# next, is described from the record itself rather than from ``str()``.
_subject: ContextVar[models.Model | None] = ContextVar("xuchang_audit_subject", default=None)


def register() -> None:
    """Register every model of ``KEPT`` with auditlog and connect the entries' completion.

    Called once, from ``AuditConfig.ready``.
    """
    for label, kept in KEPT.items():
        model = apps.get_model(label)
        recorded = [f.name for f in model._meta.concrete_fields if not f.primary_key and f.name not in kept.exclude]
        # Listing the fields (rather than excluding some) keeps reverse relations out too.
        auditlog.register(model, include_fields=recorded, m2m_fields=set(kept.m2m))
        personal = personal_data_of(model)
        _by_model[model] = replace(kept, masks={**(personal.masks if personal else {}), **kept.masks})
    pre_log.connect(_note_subject, dispatch_uid="xuchang_audit_subject")
    pre_save.connect(_complete_before_save, sender=LogEntry, dispatch_uid="xuchang_audit_complete")


def kept_models() -> list[type[models.Model]]:
    """The models in the trail."""
    return list(_by_model)


def kept(model: type[models.Model]) -> Kept | None:
    """How ``model`` is kept, or None if it is not in the trail."""
    return _by_model.get(model)


def describe(instance: models.Model) -> str:
    """``instance`` as a trail entry names it: its ``str()``, or for a record with personal
    data a description with that data masked."""
    rule = kept(type(instance))
    if rule is None or rule.describe is None:
        try:
            return smart_str(instance)
        except ObjectDoesNotExist:
            return f"#{instance.pk}"
    try:
        return rule.describe(instance)
    except ObjectDoesNotExist:  # e.g. its household deleted before it, in one cascade
        return f"#{instance.pk}"


def mask_value(mask: Mask, value):
    """``value`` through ``mask``; None and "" (no value) stay as they are."""
    return value if value in (None, "") else mask(smart_str(value))


def masked_changes(rule: Kept, changes):
    """``changes`` (auditlog's ``{field: [before, after]}``) with the masked fields masked."""
    if not changes or not rule.masks:
        return changes
    masked = dict(changes)
    for name, mask in rule.masks.items():
        pair = masked.get(name)
        if isinstance(pair, list | tuple):
            masked[name] = [mask_value(mask, value) for value in pair]
    return masked


def complete(entry: LogEntry, subject: models.Model | None = None,
             values: Mapping | None = None) -> None:
    """Mask and describe ``entry`` and give it the context's user, address and channel.

    ``subject`` is the record the entry is about, when at hand; ``values`` the context
    (default: the current one).
    """
    model = entry.content_type.model_class()
    rule = kept(model)
    if rule is not None:
        entry.changes = masked_changes(rule, entry.changes)
        if rule.describe is not None:
            matches = subject is not None and type(subject) is model and str(subject.pk) == str(entry.object_pk)
            entry.object_repr = describe(subject) if matches else f"#{entry.object_pk}"
    values = context.current() if values is None else values
    if entry.actor_id is None:
        entry.actor = context.actor(values)
    if entry.remote_addr is None:
        entry.remote_addr = context.remote_addr(values)
    how = context.how(values)
    if how:
        entry.additional_data = {**how, **(entry.additional_data or {})}


class TrailEntryImmutable(Exception):
    """A trail entry was about to be changed; entries are only ever added."""


def _note_subject(sender, instance, **kwargs) -> None:
    _subject.set(instance)


def _complete_before_save(sender, instance: LogEntry, raw=False, **kwargs) -> None:
    if raw:
        return  # loaded from a fixture as it was
    if not instance._state.adding:
        raise TrailEntryImmutable(f"Trail entry {instance.pk} cannot be changed.")
    subject = _subject.get()
    _subject.set(None)
    complete(instance, subject=subject)
