import factory

from villages.models import Designation, DesignationKind, SourceReport
from xuchang_ecom.accounts.tests.factories import region
from xuchang_ecom.regions import services as region_services
from xuchang_ecom.regions.models import Level


class SourceReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceReport
        django_get_or_create = ["title"]

    title = "2020中国淘宝村研究报告"
    publisher = "阿里研究院"
    year = 2020


def village(county: str, township: str, name: str):
    """A village node, created under its township when the tree does not have it."""
    return region_services.region_get_or_create_path(names=["许昌市", county, township, name])


class DesignationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Designation

    place = factory.LazyFunction(lambda: region("长葛市/佛耳湖镇/岗李村"))
    kind = DesignationKind.VILLAGE
    year = factory.Sequence(lambda n: 2010 + n % 13)
    source = factory.SubFactory(SourceReportFactory)
    main_products = "蜂蜜、蜂蜡"


__all__ = ["DesignationFactory", "Level", "SourceReportFactory", "village"]
