"""The demo data tells the report's story as of 10 November 2020."""
from datetime import date

import pytest

from poverty.models import Enterprise, Household
from xuchang_ecom.accounts.validators import validate_resident_id
from xuchang_ecom.common.metrics import get_metric
from xuchang_ecom.tools.demo import accounts as accounts_demo
from xuchang_ecom.tools.demo import poverty as demo

pytestmark = pytest.mark.django_db
REPORT_DAY = date(2020, 11, 10)


@pytest.fixture
def loaded():
    accounts_demo.load()
    return demo.load(user=accounts_demo.city_account())


def value(key: str):
    return get_metric(key).city_total(REPORT_DAY)


def test_the_demo_totals_match_the_report(loaded):
    assert value("poverty.enterprises") == 50
    assert value("poverty.bases") == 9
    assert value("poverty.people_employed") == 90
    assert 1000 < value("poverty.land_leased_mu") < 1100


def test_the_demo_reuses_the_accounts_demo_organisations_and_loads_only_once(loaded):
    for name, _path in accounts_demo.ORGANISATIONS.values():
        assert Enterprise.objects.get(organisation__name=name).organisation.reporters.exists()
    count = Household.objects.count()
    assert demo.load(user=accounts_demo.city_account()) == []
    assert Household.objects.count() == count


def test_demo_numbers_are_valid_in_form_and_visibly_fake():
    for serial in range(1, demo.HOUSEHOLDS + 1):
        number = demo.demo_resident_id(serial)
        validate_resident_id(number)
        assert number[6:14] == "19000101"
