"""A place counts as a Taobao village while it is on the latest list published by then."""
from datetime import date

import pytest

from villages.models import DesignationKind
from xuchang_ecom.accounts.tests.factories import region
from xuchang_ecom.common.metrics import get_metric

from .factories import DesignationFactory, SourceReportFactory, village

pytestmark = pytest.mark.django_db


def villages(as_of):
    return get_metric("villages.taobao_villages").city_total(as_of)


def test_a_list_counts_from_its_publication_day_and_replaces_the_previous_list():
    list_2019 = SourceReportFactory(title="2019年淘宝村名单", year=2019, published_on=date(2019, 10, 1))
    list_2020 = SourceReportFactory(title="2020年淘宝村名单", year=2020, published_on=date(2020, 9, 25))
    for name in ("岗李村", "尚庄村"):
        DesignationFactory(place=region(f"长葛市/佛耳湖镇/{name}"), year=2019, source=list_2019)
    DesignationFactory(place=region("长葛市/佛耳湖镇/岗李村"), year=2020, source=list_2020)
    assert villages(date(2019, 9, 30)) == 0
    assert villages(date(2019, 10, 1)) == 2
    assert villages(date(2020, 9, 24)) == 2
    # The 2020 list has only 岗李村: 尚庄村 is no longer counted.
    assert villages(date(2020, 9, 25)) == 1


def test_a_list_without_a_publication_date_counts_from_the_last_day_of_its_year():
    source = SourceReportFactory(title="2020年淘宝村名单", year=2020, published_on=None)
    DesignationFactory(place=region("长葛市/佛耳湖镇/岗李村"), year=2020, source=source)
    assert villages(date(2020, 12, 30)) == 0
    assert villages(date(2020, 12, 31)) == 1


def test_towns_and_villages_are_counted_apart_and_by_county():
    source = SourceReportFactory(title="2020年淘宝村名单", year=2020, published_on=date(2020, 9, 25))
    DesignationFactory(place=region("长葛市/佛耳湖镇/岗李村"), year=2020, source=source)
    DesignationFactory(place=village("禹州市", "示例镇", "示例村"), year=2020, source=source)
    DesignationFactory(place=region("长葛市/佛耳湖镇"), kind=DesignationKind.TOWN, year=2020, source=source)
    as_of = date(2020, 12, 31)
    assert get_metric("villages.taobao_villages").by_county(as_of) == {region("长葛市").pk: 1, region("禹州市").pk: 1}
    assert get_metric("villages.taobao_towns").city_total(as_of) == 1
