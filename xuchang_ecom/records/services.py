"""The shared write path for registry records that belong to a place.

Each app's services build or change an instance and hand it here, so the rules every
registry shares (the place must be inside the acting user's scope, every record it
refers to must be one the user may see, the model's own validation, one transaction) are
written once.
"""
import contextlib
import dataclasses
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils.translation import gettext as _

from xuchang_ecom.accounts.scoping import region_in_scope, user_sees_everything
from xuchang_ecom.audit import context as trail_context
from xuchang_ecom.audit.bulk import CreatedRows
from xuchang_ecom.audit.trail import describe, kept
from xuchang_ecom.common.bulk import saving_later, supports_copy
from xuchang_ecom.common.errors import NOT_A_CHOICE
from xuchang_ecom.common.signals import records_written


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
    errors.update(_m2m_not_visible(user=user, instance=instance, m2m=m2m, existing=existing))
    if errors:
        raise ValidationError(errors)


def _m2m_not_visible(*, user, instance: models.Model, m2m: dict | None, existing: bool) -> dict[str, list]:
    """``{field name: [error]}`` for each many-to-many field of ``m2m`` (field name ->
    objects to set on ``instance``) to a scoped model that lists a record ``user`` may not
    see; of an ``existing`` record, only the records it adds count. A query per field."""
    errors = {}
    for field in scoped_relations(type(instance)):
        if not field.many_to_many or field.name not in (m2m or {}):
            continue
        wanted = {item.pk for item in m2m[field.name]}
        if existing:
            wanted -= set(getattr(instance, field.name).values_list("pk", flat=True))
        if wanted and visible_rows(field.related_model, user).filter(pk__in=wanted).count() != len(wanted):
            errors[field.name] = [ValidationError(NOT_A_CHOICE, code="invalid_choice")]
    return errors


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


def scoped_save(*, user, instance: models.Model, m2m: dict | None = None) -> models.Model:
    """Validate and save ``instance`` as ``user``; returns it saved.

    ``m2m`` maps many-to-many field names to the objects to set after saving. Raises
    ValidationError with field messages: for a record referred to that ``user`` may not
    see (``check_references``), a place outside the user's area, or the model's rules.

    Inside ``bulk_writes()`` a new record of the models it gathers is checked here in
    Python and written later with others of its batch, its many-to-many values too (see
    ``BulkWrites``): it is returned without a primary key.
    """
    writes = _bulk_writes.get()
    if writes is not None and writes.takes(instance):
        writes.add(user=user, instance=instance, m2m=m2m)
        return instance
    with transaction.atomic():
        check_references(user=user, instance=instance, m2m=m2m)
        check_in_scope(user=user, instance=instance)
        instance.full_clean()
        instance.save()
        for name, values in (m2m or {}).items():
            getattr(instance, name).set(values)
    return instance


# ---------------------------------------------------------------------------------------
# Writing new records in batches
# ---------------------------------------------------------------------------------------


@dataclass
class _Pending:
    """A new record waiting in ``BulkWrites``: who wrote it, the audit context it was
    written in, and the tag of the row it came from."""

    instance: models.Model
    user: object
    context: dict
    tag: Hashable
    #: Many-to-many field name -> the objects to set.
    m2m: dict


@dataclass
class BulkWrites:
    """New records gathered by ``scoped_save`` and written ``batch_size`` at a time.

    Each record is checked as ``scoped_save`` checks it, but set-based: the place and
    the fields' own rules in Python as it comes (a ValidationError then is raised to the
    caller, as ever), and when its batch is written, with one query per relation for the
    records it refers to (they must exist and, for a scoped one, be visible to the user:
    ``check_references``), one ``bulk_create`` for the batch, and the trail's entries in
    one more. Uniqueness and the model's check constraints are left to the database; if
    it refuses the batch, the batch is rolled back to a savepoint and each record is
    validated whole to say which ones are wrong.

    A record refused when its batch is written is not raised (the caller has moved on):
    ``errors`` maps the ``tag`` it was added with (``tag()`` when it was added, e.g. the
    row of an import) to its ValidationError. Whoever opened the block reads them and
    rolls back. ``records_written`` is sent once per model written (the roll-up and the
    public pages' cache), instead of once per record.
    """

    #: The models whose new records are gathered; the others are written at once.
    model_classes: tuple = ()
    batch_size: int = 2000
    tag: Callable[[], Hashable] = lambda: None
    errors: dict = dataclasses.field(default_factory=dict)
    _queued: set = dataclasses.field(default_factory=set)
    _pending: dict = dataclasses.field(default_factory=lambda: defaultdict(list))

    def takes(self, instance: models.Model) -> bool:
        """Whether ``instance`` is a new record this block gathers."""
        return type(instance) in self.model_classes and instance._state.adding and instance.pk is None

    def add(self, *, user, instance: models.Model, m2m: dict | None = None, scope: bool = True) -> None:
        """Check ``instance`` in Python and queue it; raises ValidationError as
        ``scoped_save`` would for what can be told without the database. ``scope=False``
        when the caller has checked its place (a record without a scope of its own).

        It may refer to a new record queued here before it (an anchor's account to the
        anchor): that one is written first, and the reference then set."""
        if scope:
            check_in_scope(user=user, instance=instance)
        relations = [f for f in instance._meta.concrete_fields if f.is_relation]
        errors: dict = {}
        try:
            instance.full_clean(exclude=[f.name for f in relations], validate_unique=False,
                                validate_constraints=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for relation in relations:
            if relation.name not in errors and not self._queued_target(instance, relation):
                try:
                    # A field's own checks (required, choices) without ForeignKey's query:
                    # the batch looks its references up together (_check_relations).
                    models.Field.validate(relation, getattr(instance, relation.attname), instance)
                except ValidationError as error:
                    errors[relation.name] = error.error_list
        if errors:
            raise ValidationError(errors)
        model = type(instance)
        self._queued.add(id(instance))
        pending = self._pending[model]
        pending.append(_Pending(instance, user, dict(trail_context.current()), self.tag(),
                                {name: list(values) for name, values in (m2m or {}).items()}))
        if len(pending) >= self.batch_size:
            self.flush(model)

    def save_later(self, instance: models.Model) -> bool:
        """``common.bulk.save_later``'s handler: queue a new record of the models gathered,
        checked by its service (place included)."""
        if not self.takes(instance):
            return False
        self.add(user=None, instance=instance, scope=False)
        return True

    def flush(self, model: type[models.Model] | None = None) -> None:
        """Write what is queued (of ``model``, or of every model), each model after those
        its records refer to."""
        for each in [model] if model is not None else list(self._pending):
            batch, self._pending[each] = self._pending[each], []
            if batch:
                for relation in each._meta.concrete_fields:
                    if relation.is_relation and relation.related_model is not each and self._pending.get(
                            relation.related_model):
                        self.flush(relation.related_model)
                self._write(each, batch)

    def _queued_target(self, instance: models.Model, relation: models.Field) -> bool:
        """Whether ``instance``'s ``relation`` is a new record queued here (no key yet)."""
        target = relation.get_cached_value(instance, None)
        return target is not None and target.pk is None and id(target) in self._queued

    def _write(self, model: type[models.Model], batch: list[_Pending]) -> None:
        refused: dict = {}
        for item in batch:
            for relation in model._meta.concrete_fields:
                target = relation.get_cached_value(item.instance, None) if relation.is_relation else None
                if target is None or getattr(item.instance, relation.attname) is not None:
                    continue
                if target.pk is None:  # queued, and refused: its row says why
                    refused.setdefault(item.tag, ValidationError({relation.name: [
                        ValidationError(NOT_A_CHOICE, code="invalid_choice")]}))
                else:
                    setattr(item.instance, relation.attname, target.pk)  # written since
        batch = [item for item in batch if item.tag not in refused]
        for tag, error in refused.items():
            self.errors.setdefault(tag, error)
        refused = self._check_relations(model, batch)
        batch = [item for item in batch if item.tag not in refused]
        self.errors.update(refused)
        try:
            with transaction.atomic():
                model._default_manager.bulk_create([item.instance for item in batch])
        except IntegrityError:
            batch = self._write_one_by_one(batch)
        for item in batch:
            item.instance._state.adding = False
        self._write_m2m(model, batch)
        self._log(model, batch)
        if batch:
            records_written.send(sender=model, count=len(batch))

    @staticmethod
    def _write_m2m(model: type[models.Model], batch: list[_Pending]) -> None:
        """The many-to-many links of ``batch``'s records (written), one insert per field."""
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
            links = {(item.instance.pk, related.pk) for item in batch for related in item.m2m.get(field.name, ())}
            through._default_manager.bulk_create(
                [through(**{source: record, target: related}) for record, related in sorted(links)])

    @staticmethod
    def _log(model: type[models.Model], batch: list[_Pending]) -> None:
        """The trail's entries of ``batch``'s records, created: one ``bulk_create`` for
        the records written in one context (user, file), each naming its own row and the
        records it is linked to by the many-to-many field the trail keeps, as an addition
        (auditlog writes that as a second entry)."""
        fields = model._meta.concrete_fields
        positions = {field.attname: index for index, field in enumerate(fields)}
        rule = kept(model)
        linked = rule.m2m[0] if rule is not None and rule.m2m else None
        m2m = None
        if linked is not None:
            m2m = (linked, {related.pk: str(related) for item in batch for related in item.m2m.get(linked, ())})
        groups: dict = defaultdict(list)
        for item in batch:
            values = {key: value for key, value in item.context.items() if key != "row"}
            groups[tuple((key, value if isinstance(value, Hashable) else id(value))
                         for key, value in sorted(values.items()))].append(item)
        for items in groups.values():
            with trail_context.audit_context(**{**items[0].context, "row": None}):
                entries = CreatedRows(model, positions=positions, describe=lambda row: describe(row[-1]), m2m=m2m)
            rows = [[getattr(item.instance, field.attname) for field in fields] + [item.instance] for item in items]
            related = [[obj.pk for obj in item.m2m.get(linked, ())] if linked else () for item in items]
            pks = [item.instance.pk for item in items]
            numbers = [item.context.get("row") for item in items]
            if supports_copy():
                with connection.cursor() as cursor:
                    entries.copy(entries.prepare(rows, related, numbers), pks, cursor=cursor.cursor)
            else:
                entries.write(rows, related, pks, numbers)

    def _check_relations(self, model: type[models.Model], batch: list[_Pending]) -> dict:
        """``{tag: ValidationError}`` of the records of ``batch`` referring to a record
        that does not exist or, for a scoped relation, that their user may not see (by a
        foreign key, or among its many-to-many values)."""
        errors: dict = {}
        for item in batch:
            # Shared lists (platforms, models) are not checked: their objects were found.
            if item.m2m and not self._sees_all(item):
                refused = _m2m_not_visible(user=item.user, instance=item.instance, m2m=item.m2m, existing=False)
                if refused:
                    errors[item.tag] = ValidationError(refused)
        for relation in (f for f in model._meta.concrete_fields if f.is_relation):
            target = relation.target_field.attname
            values = {getattr(item.instance, relation.attname) for item in batch} - {None}
            if not values:
                continue
            related = relation.related_model._base_manager.complex_filter(relation.get_limit_choices_to())
            existing = set(related.filter(**{f"{target}__in": values}).values_list(target, flat=True))
            visible: dict = {}
            for item in batch:
                value = getattr(item.instance, relation.attname)
                if value is None:
                    continue
                if value in existing and is_scoped(relation.related_model) and not self._sees_all(item):
                    if item.user not in visible:
                        visible[item.user] = set(visible_rows(relation.related_model, item.user).filter(
                            **{f"{target}__in": values}).values_list(target, flat=True))
                    seen = value in visible[item.user]
                else:
                    seen = value in existing
                if not seen:
                    errors.setdefault(item.tag, ValidationError({}))
                    errors[item.tag].error_dict.setdefault(relation.name, []).append(
                        ValidationError(NOT_A_CHOICE, code="invalid_choice"))
        return errors

    @staticmethod
    def _sees_all(item: _Pending) -> bool:
        """Whether ``item``'s references need no check of visibility: its user sees every
        record, or it came through ``save_later``, from a service that checked them."""
        return item.user is None or user_sees_everything(item.user)

    def _write_one_by_one(self, batch: list[_Pending]) -> list[_Pending]:
        """Write ``batch``'s records one at a time, after the database refused them
        together; returns those written, with the others' errors in ``errors``."""
        written = []
        for item in batch:
            try:
                item.instance.validate_unique()
                item.instance.validate_constraints()
                with transaction.atomic():
                    type(item.instance)._default_manager.bulk_create([item.instance])
            except ValidationError as error:
                self.errors[item.tag] = error
            except IntegrityError:
                self.errors[item.tag] = ValidationError(
                    _("This row conflicts with a record saved by someone else meanwhile; check it and try again."),
                    code="conflict")
            else:
                written.append(item)
        return written


_bulk_writes: ContextVar[BulkWrites | None] = ContextVar("records_bulk_writes", default=None)


@contextlib.contextmanager
def bulk_writes(*, model_classes: Iterable[type[models.Model]], batch_size: int = 2000,
                tag: Callable[[], Hashable] = lambda: None) -> Iterator[BulkWrites]:
    """Gather the new records of ``model_classes`` that ``scoped_save`` is given inside the
    block, and write them in batches (``BulkWrites``); what is still queued is written
    when the block ends, unless it ends with an exception. A service that needs a new
    record's primary key at once (to write its accounts, say) is not called for such a
    model inside the block.

    Run it inside a transaction: a record refused when its batch is written is only
    listed in ``errors``, and the caller must roll back."""
    writes = BulkWrites(model_classes=tuple(model_classes), batch_size=batch_size, tag=tag)
    token = _bulk_writes.set(writes)
    try:
        with saving_later(writes.save_later):
            yield writes
        writes.flush()
    finally:
        _bulk_writes.reset(token)


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
