"""Enterprises, bases and the dated links between them and households."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from poverty import services
from poverty.models import AlleviationModel, Enterprise
from poverty.tests.factories import base, enterprise, household
from xuchang_ecom.accounts.models import Organisation
from xuchang_ecom.accounts.services import organisation_get_or_create
from xuchang_ecom.accounts.tests.factories import region, uscc
from xuchang_ecom.tools.demo.poverty import demo_resident_id

pytestmark = pytest.mark.django_db
USCC = uscc(1)


def test_the_four_models_the_report_names_are_there():
    assert list(AlleviationModel.objects.values_list("name", flat=True)) == [
        "电商+贫困户", "电商+企业+贫困户", "电商+基地+贫困户", "电商+旅游+贫困户",
    ]


def test_an_enterprise_is_registered_with_its_organisation(city_user):
    created = enterprise(city_user, uscc=USCC.lower(), alleviation_models=AlleviationModel.objects.all()[:2])
    assert created.organisation.uscc == USCC
    assert created.organisation.region == region("长葛市")
    assert created.alleviation_models.count() == 2


def test_an_organisation_already_known_by_its_credit_code_is_reused(city_user):
    known = organisation_get_or_create(user=city_user, name="示例直播机构", region=region("长葛市"), uscc=USCC)
    created = enterprise(city_user, name="another name", uscc=USCC)
    assert created.organisation == known
    assert Organisation.objects.count() == 1
    with pytest.raises(ValidationError) as error:
        enterprise(city_user, uscc=USCC)
    assert "uscc" in error.value.message_dict


def test_an_enterprise_works_under_at_least_one_model(city_user):
    with pytest.raises(ValidationError) as error:
        enterprise(city_user, alleviation_models=[])
    assert "alleviation_models" in error.value.message_dict
    assert not Organisation.objects.exists()
    created = enterprise(city_user)
    with pytest.raises(ValidationError):
        services.record_update(user=city_user, instance=created, data={}, m2m={"alleviation_models": []})
    assert Enterprise.objects.get().alleviation_models.count() == 1


def test_a_link_points_to_exactly_one_enterprise_or_base(city_user):
    member, owner = household(city_user), enterprise(city_user)
    workplace = base(city_user, enterprise=owner)
    for where in [{}, {"enterprise": owner, "base": workplace}]:
        with pytest.raises(ValidationError) as error:
            services.dividend_create(user=city_user, household=member, year=2020, amount=Decimal(500),
                                     paid_on=date(2020, 12, 1), **where)
        assert gettext("Choose either an enterprise or a base, not both.") in error.value.messages
    services.dividend_create(user=city_user, household=member, year=2020, amount=Decimal(500),
                             paid_on=date(2020, 12, 1), base=workplace)


def test_dates_out_of_order_and_negative_amounts_are_refused_in_words(city_user):
    member, workplace = household(city_user), base(city_user)
    job = {"member_name": "示例成员", "started_on": date(2020, 5, 1)}
    cases = [
        (services.employment_create, {**job, "ended_on": date(2020, 4, 30)},
         "An end date cannot be earlier than its start date."),
        (services.employment_create, {**job, "monthly_wage": Decimal(-1)}, "A wage cannot be negative."),
        (services.land_lease_create, {"area_mu": Decimal(-2), "annual_rent": Decimal(0),
                                      "started_on": date(2020, 5, 1)}, "The area cannot be negative."),
        (services.land_lease_create, {"area_mu": Decimal(2), "annual_rent": Decimal(-1),
                                      "started_on": date(2020, 5, 1)}, "The rent cannot be negative."),
        (services.dividend_create, {"year": 2020, "amount": Decimal(-1), "paid_on": date(2020, 5, 1)},
         "An amount cannot be negative."),
    ]
    for service, data, message in cases:
        with pytest.raises(ValidationError) as error:
            service(user=city_user, household=member, base=workplace, **data)
        assert gettext(message) in error.value.messages
    with pytest.raises(ValidationError) as error:
        services.take_home_work_create(user=city_user, household=member, enterprise=enterprise(city_user),
                                       period_start=date(2020, 5, 1), period_end=date(2020, 4, 1), pay=Decimal(-1))
    assert {gettext("Pay cannot be negative."), gettext("An end date cannot be earlier than its start date.")} <= set(
        error.value.messages
    )


def test_a_base_cannot_close_before_it_opens(city_user):
    with pytest.raises(ValidationError):
        base(city_user, opened_on=date(2020, 1, 1), closed_on=date(2019, 12, 31))


def test_a_number_registered_by_someone_else_after_the_check_is_refused_as_a_duplicate(city_user, monkeypatch):
    household(city_user, serial=1)
    # As if the other household had been registered between the check and the save.
    monkeypatch.setattr(services, "household_check", lambda **kwargs: None)

    with pytest.raises(ValidationError) as refused:
        household(city_user, serial=2, resident_id=demo_resident_id(1))

    assert refused.value.error_dict["resident_id"][0].code == "duplicate"
