"""Check constraints validated in Python (``xuchang_ecom.common.constraints``) refuse
exactly what the database's own check refuses: every constraint of every model, tried
with every combination of a few values (NULL among them) for the fields it names."""
import itertools
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from xuchang_ecom.common.constraints import CheckConstraint, Unsupported, evaluate, field_names
from xuchang_ecom.reporting.models import Period

pytestmark = pytest.mark.django_db


def _candidates(field: models.Field) -> list:
    if field.choices:
        blank = [""] if isinstance(field, models.CharField) else []
        return [None, *blank, *[value for value, _label in field.flatchoices]]
    if isinstance(field, models.ForeignKey):
        return [None, 1]
    if isinstance(field, models.BooleanField):
        return [None, True, False]
    if isinstance(field, models.DecimalField):
        return [None, Decimal("-0.5"), Decimal(0), Decimal("1.5"), Decimal(100)]
    if isinstance(field, models.IntegerField):
        return [None, -1, 0, 1, 2, 100, 2008, 2020]
    if isinstance(field, models.DateField):
        return [None, date(2020, 1, 1), date(2020, 1, 2), date(2021, 6, 30)]
    if isinstance(field, models.CharField | models.TextField):
        return [None, "", "x"]
    raise AssertionError(f"no candidate values for {field!r}")


def constraints(*, in_python_only: bool = False) -> list:
    """Every check constraint of every model; with ``in_python_only`` those Python can
    evaluate (the others are checked by the database, as Django does)."""
    found = []
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.CheckConstraint):
                if in_python_only and not _in_python(model, constraint):
                    continue
                found.append(pytest.param(model, constraint, id=constraint.name))
    return found


def _in_python(model, constraint) -> bool:
    try:
        evaluate(constraint.condition, model, model(), set())
    except Unsupported:
        return False
    except (TypeError, AttributeError):
        pass  # an empty instance, compared: values come below
    return True


def test_every_check_constraint_of_the_project_is_the_one_validated_in_python():
    ours = [param.values[1] for param in constraints() if param.values[0].__module__.split(".")[0] != "django"]
    assert ours and all(isinstance(constraint, CheckConstraint) for constraint in ours)


@pytest.mark.parametrize("model,constraint", constraints(in_python_only=True))
def test_python_and_the_database_refuse_the_same_values(model, constraint):
    fields = [model._meta.get_field(name) for name in sorted(field_names(constraint.condition))]
    tried = 0
    for values in itertools.product(*[_candidates(field) for field in fields]):
        instance = model()
        for field, value in zip(fields, values, strict=True):
            setattr(instance, field.attname, value)
        by_python = _refuses(constraint.validate, model, instance)
        by_database = _refuses(models.CheckConstraint.validate, constraint, model, instance)
        assert by_python == by_database, f"{constraint.name} with {values} for {[field.name for field in fields]}"
        tried += 1
    assert tried > 1


def _refuses(check, *args) -> bool:
    try:
        check(*args)
    except ValidationError:
        return True
    return False


def test_a_condition_python_cannot_evaluate_is_left_to_the_database():
    constraint = next(c for c in Period._meta.constraints if c.name == "reporting_period_month_first_day")

    with pytest.raises(ValidationError):
        constraint.validate(Period, Period(month=date(2021, 5, 2)))
    constraint.validate(Period, Period(month=date(2021, 5, 1)))


def test_a_constraint_on_an_excluded_field_is_not_checked():
    from livestream.models import Contest

    constraint = next(c for c in Contest._meta.constraints if c.name == "livestream_contest_winners_le_entrants")

    with pytest.raises(ValidationError):
        constraint.validate(Contest, Contest(entrants=1, winners=2))
    constraint.validate(Contest, Contest(entrants=1, winners=2), exclude={"winners"})


def test_a_refused_value_is_reported_on_its_field_not_on_the_whole_record():
    from livestream.models import Contest
    from poverty.models import Household

    constraint = next(c for c in Contest._meta.constraints if c.name == "livestream_contest_winners_le_entrants")
    with pytest.raises(ValidationError) as refused:
        constraint.validate(Contest, Contest(entrants=1, winners=2))
    assert list(refused.value.error_dict) == ["winners"]

    constraint = next(c for c in Household._meta.constraints if c.name == "poverty_household_has_members")
    with pytest.raises(ValidationError) as refused:  # the one field its condition names
        constraint.validate(Household, Household(size=0))
    assert list(refused.value.error_dict) == ["size"]


def test_a_constraint_cannot_report_on_a_field_its_condition_does_not_name():
    from django.db.models import Q

    with pytest.raises(ValueError, match="does not name"):
        CheckConstraint(condition=Q(a__gte=0) | Q(b__gte=0), name="x", field="c")
