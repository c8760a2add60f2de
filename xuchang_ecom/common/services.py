"""The shared write path for registry records that belong to a place.

Each app's services build or change an instance and hand it here, so the rules every
registry shares (the place must be inside the acting user's scope, the model's own
validation, one transaction) are written once.
"""
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from xuchang_ecom.accounts.scoping import region_in_scope


def record_region(instance: models.Model):
    """The region node ``instance`` belongs to, following its QuerySet's scope lookup."""
    lookup = type(instance).objects.all().scope_region_field
    value = instance
    for part in lookup.split("__"):
        value = getattr(value, part, None) if value is not None else None
    return value


def check_in_scope(*, user, instance: models.Model) -> None:
    """Raise ValidationError unless ``user`` may keep a record at ``instance``'s place."""
    region = record_region(instance)
    field = type(instance).objects.all().scope_region_field.split("__")[0]
    if region is None:
        raise ValidationError({field: _("Choose a place.")})
    if not region_in_scope(user=user, region=region):
        raise ValidationError({field: _("This place is outside the area you are responsible for.")})


def organisation_record_check(*, user, record: models.Model) -> None:
    """Raise ValidationError unless ``user`` may keep ``record``: a registry record whose
    legal identity is its ``organisation`` (a livestream agency, a poverty-alleviation
    enterprise). The organisation may be a new, unsaved one
    (``accounts.services.organisation_find_or_build``); it is then validated too.

    The record is where its organisation is, so a place outside the user's area is an
    error on ``region``. Errors about the organisation are keyed by its fields (``name``,
    ``uscc``, ``region``), the others by the record's. The apps' ``*_check`` services call
    this once they have refused an organisation already registered as such a record.
    """
    try:
        check_in_scope(user=user, instance=record)
    except ValidationError as error:
        # A record is where its organisation is.
        raise ValidationError({"region": error.messages}) from None
    organisation = record.organisation
    if organisation.pk is None:
        organisation.full_clean()
        record.full_clean(exclude=["organisation"])
    else:
        record.full_clean()


@transaction.atomic
def scoped_save(*, user, instance: models.Model, m2m: dict | None = None) -> models.Model:
    """Validate and save ``instance`` as ``user``; returns it saved.

    ``m2m`` maps many-to-many field names to the objects to set after saving. Raises
    ValidationError with field messages.
    """
    check_in_scope(user=user, instance=instance)
    instance.full_clean()
    instance.save()
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
    return instance


@transaction.atomic
def scoped_update(*, user, instance: models.Model, data: dict, m2m: dict | None = None) -> models.Model:
    """Change ``instance``'s fields to ``data`` and save; the user must be allowed to keep
    the record both where it was and where it goes. Raises ValidationError."""
    check_in_scope(user=user, instance=instance)
    for name, value in data.items():
        setattr(instance, name, value)
    return scoped_save(user=user, instance=instance, m2m=m2m)


@transaction.atomic
def scoped_delete(*, user, instance: models.Model) -> None:
    check_in_scope(user=user, instance=instance)
    instance.delete()
