"""The shared write path for registry records that belong to a place.

Each app's services build or change an instance and hand it here, so the rules every
registry shares (the place must be inside the acting user's scope, every record it
refers to must be one the user may see, the model's own validation, one transaction) are
written once.
"""
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from xuchang_ecom.accounts.scoping import region_in_scope, user_sees_everything
from xuchang_ecom.common.errors import NOT_A_CHOICE


def is_scoped(model: type[models.Model]) -> bool:
    """Whether ``model``'s rows belong somewhere: its default QuerySet has ``visible_to``.

    Shared reference data (platforms, poverty-alleviation models, source reports) and the
    region tree (whose scope ``check_in_scope`` checks) are not.
    """
    return hasattr(model._default_manager.all(), "visible_to")


def scoped_relations(model: type[models.Model]) -> list[models.Field]:
    """``model``'s forward relations (foreign keys, one-to-ones, many-to-manys) to
    scoped models: the references ``check_references`` checks."""
    return [
        field for field in (*model._meta.fields, *model._meta.many_to_many)
        if field.is_relation and field.related_model is not None
        and not getattr(field.remote_field, "parent_link", False) and is_scoped(field.related_model)
    ]


def visible_rows(model: type[models.Model], user) -> models.QuerySet:
    """The rows of ``model`` ``user`` may see (all of them for a model without a scope)."""
    queryset = model._default_manager.all()
    return queryset.visible_to(user) if hasattr(queryset, "visible_to") else queryset


def check_references(*, user, instance: models.Model, m2m: dict[str, Iterable] | None = None) -> None:
    """Raise ValidationError, keyed by field, for each record ``instance`` refers to that
    ``user`` may not see: a foreign key or one-to-one on ``instance``, or the many-to-many
    values in ``m2m`` (field name -> objects to set). One query per relation checked.

    The message is ``NOT_A_CHOICE``, the one a missing record gets, so the answer does not
    tell another county's record from one that does not exist.

    A new record has each of its references checked. An existing one has only those the
    write sets to something else than is stored (and, for many-to-many, the objects it
    adds): a county user edits only records of their county, so a reference of such a
    record to a record outside it was made by city staff (or before the record moved);
    keeping it does not let the user reach anything, and refusing it would stop the county
    from correcting its own record. Changing it to another record the user may not see is
    refused like any other reference.
    """
    if user is not None and user_sees_everything(user):
        return  # every row is visible: the database's foreign keys check the rest
    model = type(instance)
    relations = scoped_relations(model)
    stored: dict = {}
    existing = instance.pk is not None and not instance._state.adding
    direct = [field for field in relations if not field.many_to_many]
    if existing and direct:
        stored = model._base_manager.filter(pk=instance.pk).values(*(field.attname for field in direct)).first() or {}
    errors: dict[str, list] = {}
    for field in direct:
        value = getattr(instance, field.attname)
        if value is None or (field.attname in stored and stored[field.attname] == value):
            continue
        target = field.target_field.attname
        if not visible_rows(field.related_model, user).filter(**{target: value}).exists():
            errors[field.name] = [ValidationError(NOT_A_CHOICE, code="invalid_choice")]
    for field in relations:
        if not field.many_to_many or field.name not in (m2m or {}):
            continue
        wanted = {item.pk for item in m2m[field.name]}
        if existing:
            wanted -= set(getattr(instance, field.name).values_list("pk", flat=True))
        if wanted and visible_rows(field.related_model, user).filter(pk__in=wanted).count() != len(wanted):
            errors[field.name] = [ValidationError(NOT_A_CHOICE, code="invalid_choice")]
    if errors:
        raise ValidationError(errors)


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
    ValidationError with field messages: for a record referred to that ``user`` may not
    see (``check_references``), a place outside the user's area, or the model's rules.
    """
    check_references(user=user, instance=instance, m2m=m2m)
    check_in_scope(user=user, instance=instance)
    instance.full_clean()
    instance.save()
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
    return instance


@transaction.atomic
def scoped_update(*, user, instance: models.Model, data: dict, m2m: dict | None = None) -> models.Model:
    """Change ``instance``'s fields to ``data`` and save; the user must be allowed to keep
    the record both where it was and where it goes, and see every record the change makes
    it refer to (``check_references``). Raises ValidationError."""
    check_in_scope(user=user, instance=instance)
    for name, value in data.items():
        setattr(instance, name, value)
    return scoped_save(user=user, instance=instance, m2m=m2m)


@transaction.atomic
def scoped_delete(*, user, instance: models.Model) -> None:
    check_in_scope(user=user, instance=instance)
    instance.delete()
