"""factory_boy factories for every livestream record, placed in 长葛市 unless told otherwise.

They write rows directly, without the services' scope checks: use them to build a world,
and the services (or the admin, the import, the API) for the write under test.
"""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory

from livestream.models import (
    Agency,
    Anchor,
    AnchorAccount,
    Base,
    BaseKind,
    Brand,
    Cluster,
    Contest,
    Platform,
    Session,
    SessionKind,
    Training,
)
from xuchang_ecom.accounts.tests.factories import OrganisationFactory, region, uscc

SHANGHAI = ZoneInfo("Asia/Shanghai")


def in_county(county: str):
    """A LazyFunction placing a record at a county-level division, e.g. ``in_county("禹州市")``."""
    return factory.LazyFunction(lambda: region(county))


class PlatformFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Platform
        django_get_or_create = ["name"]

    name = "淘宝直播"


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cluster

    name = factory.Sequence(lambda n: f"示例直播电商产业集聚区{n:03d}")
    region = in_county("长葛市")
    lead_industry = "蜂产品"
    recognised_on = date(2021, 5, 1)


class BaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Base
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"示例直播基地{n:03d}")
    region = in_county("长葛市")
    kind = BaseKind.COMPREHENSIVE
    opened_on = date(2020, 9, 26)

    @factory.post_generation
    def platforms(self, create, extracted, **kwargs):
        if create and extracted:
            self.platforms.set(extracted)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    organisation = factory.SubFactory(
        OrganisationFactory, name=factory.Sequence(lambda n: f"示例直播机构{n:03d}"),
        uscc=factory.Sequence(lambda n: uscc(n + 1)),
    )
    supported_on = date(2021, 1, 10)
    support_batch = "第一批"


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand

    name = factory.Sequence(lambda n: f"示例网红品牌{n:03d}")
    region = in_county("长葛市")
    category = "蜂蜜"
    incubated_on = date(2021, 3, 1)


class AnchorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Anchor

    display_name = factory.Sequence(lambda n: f"示例主播{n:03d}")
    real_name = "张三丰"
    mobile = factory.Sequence(lambda n: f"138{n:08d}")
    region = in_county("长葛市")
    cultivated_on = date(2021, 1, 1)


class AnchorAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnchorAccount

    anchor = factory.SubFactory(AnchorFactory)
    platform = factory.SubFactory(PlatformFactory, name="抖音")
    account = factory.Sequence(lambda n: f"dy-{n:04d}")


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session
        skip_postgeneration_save = True

    started_at = datetime(2021, 5, 1, 20, 0, tzinfo=SHANGHAI)
    platform = factory.SubFactory(PlatformFactory)
    region = in_county("长葛市")
    kind = SessionKind.COMMERCIAL
    title = factory.Sequence(lambda n: f"示例直播{n:03d}")
    orders = 10
    sales = Decimal("1000.00")

    @factory.post_generation
    def anchors(self, create, extracted, **kwargs):
        if create and extracted:
            self.anchors.set(extracted)


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Training

    held_on = date(2021, 4, 15)
    title = factory.Sequence(lambda n: f"公益性直播电商培训{n:03d}")
    organiser = "许昌市商务局"
    region = in_county("长葛市")
    trainees = 120
    anchors_trained = 30


class ContestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contest

    held_on = date(2021, 6, 18)
    title = factory.Sequence(lambda n: f"直播带货大赛{n:03d}")
    organiser = "许昌市商务局"
    region = in_county("长葛市")
    entrants = 40
    winners = 5
