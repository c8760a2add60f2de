"""``CheckConstraint``, validated in Python where its condition allows.

Django validates a check constraint with a query (``SELECT 1 WHERE …`` inside a savepoint:
three round trips), once per constraint for every ``full_clean``. An import of 10,000
rows through the services spent 40 % of its time there. All but one of the project's
constraints are plain comparisons of a field with a constant or another field
(``value >= 0``, ``ends_on >= starts_on``, ``x IS NULL OR …``), which Python evaluates
with SQL's rules for NULL. A condition with anything else (a transform such as
``month__day``, a function) is still checked by the database, as Django does.

The database keeps enforcing every constraint; this only decides what ``full_clean``
reports, and tests check both ways agree (``tests/test_constraints.py``).
"""
import operator
from collections.abc import Callable
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import F, Q
from django.db.models.constants import LOOKUP_SEP

COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "exact": operator.eq, "gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le,
}


class Unsupported(Exception):
    """The condition holds something only the database can evaluate."""


class CheckConstraint(models.CheckConstraint):
    """Django's, validated in Python where it can be, and whose error belongs to a field:
    ``field``, or the one field its condition names. A form shows it beside that box and
    an import under that column, instead of on the whole form or row."""

    def __init__(self, *args, field: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        names = field_names(self.condition)
        if field is not None and field not in names:
            raise ValueError(f"{self.name}: its condition does not name {field!r}")
        self.field = field or (next(iter(names)) if len(names) == 1 else None)

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        try:
            holds = evaluate(self.condition, model, instance, set(exclude or ()))
        except Unsupported:
            try:
                return super().validate(model, instance, exclude=exclude, using=using)
            except ValidationError as error:
                raise self._on_field(error) from None
        if holds is False:  # NULL (unknown) satisfies a CHECK, as in SQL
            raise self._on_field(ValidationError(self.get_violation_error_message(), code=self.violation_error_code))

    def _on_field(self, error: ValidationError) -> ValidationError:
        return ValidationError({self.field: [error]}) if self.field else error

    def clone(self):
        # Django clones every constraint of a model (to format its name) through
        # deconstruct(), which leaves the field out.
        clone = super().clone()
        clone.field = self.field
        return clone

    def deconstruct(self):
        # Migrations see Django's class: the constraint in the database is the same.
        _path, args, kwargs = super().deconstruct()
        return "django.db.models.CheckConstraint", args, kwargs


class _Excluded(Exception):
    """A field of the condition was excluded from validation (e.g. it failed already)."""


def evaluate(condition: Q, model: type[models.Model], instance: models.Model, exclude: set[str]) -> bool | None:
    """``condition`` on ``instance`` in SQL's three-valued logic: True, False, or None for
    unknown. Returns True when a field it names is in ``exclude`` (Django skips those
    constraints too). Raises ``Unsupported`` for what only the database can evaluate."""
    try:
        return _node(condition, model, instance, exclude)
    except _Excluded:
        return True


def field_names(condition: Q) -> set[str]:
    """The fields ``condition`` names, on either side of its comparisons."""
    names = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= field_names(child)
        else:
            lookup, value = child
            names.add(lookup.split(LOOKUP_SEP)[0])
            if isinstance(value, F):
                names.add(value.name)
    return names


def _node(node, model, instance, exclude) -> bool | None:
    if not isinstance(node, Q):
        return _comparison(node, model, instance, exclude)
    results = [_node(child, model, instance, exclude) for child in node.children]
    if node.connector == Q.AND:
        result = False if False in results else (None if None in results else True)
    else:
        result = True if True in results else (None if None in results else False)
    if node.negated and result is not None:
        result = not result
    return result


def _comparison(child, model, instance, exclude) -> bool | None:
    if not isinstance(child, tuple):
        raise Unsupported(child)
    lookup, expected = child
    name, _sep, operation = lookup.partition(LOOKUP_SEP)
    operation = operation or "exact"
    value = _value(name, model, instance, exclude)
    if operation == "isnull":
        if not isinstance(expected, bool):
            raise Unsupported(lookup)
        return (value is None) == expected
    if operation not in COMPARISONS:
        raise Unsupported(lookup)
    if isinstance(expected, F):
        expected = _value(expected.name, model, instance, exclude)
    elif hasattr(expected, "resolve_expression"):
        raise Unsupported(expected)
    if value is None or expected is None:
        return None
    try:
        return COMPARISONS[operation](value, expected)
    except TypeError:
        raise Unsupported(lookup) from None


def _value(name: str, model, instance, exclude) -> Any:
    if LOOKUP_SEP in name:
        raise Unsupported(name)
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        raise Unsupported(name) from None
    if not field.concrete or field.many_to_many:
        raise Unsupported(name)
    if field.name in exclude or field.attname in exclude:
        raise _Excluded
    return getattr(instance, field.attname)
