"""Demo registry from the November 2020 report.

In the 2020 list Xuchang had 15 Taobao villages and 9 Taobao towns; 岗李村 and 尚庄村
(佛耳湖镇, 长葛市) are listed since 2016; four bee-product villages are on the 2020 top-100
agricultural-product list; 长葛市 is a 2020 top-100 Taobao-village county. Places the report
does not name are placeholders whose names say so (示例村01 …); their figures are not real.
"""
from villages import services
from villages.models import Designation, DesignationKind, Honour, SourceReport
from xuchang_ecom.regions.models import Level, Region
from xuchang_ecom.regions.services import region_get_or_create_path

CITY = "许昌市"
NAMED_VILLAGES = [("长葛市", "佛耳湖镇", "岗李村"), ("长葛市", "佛耳湖镇", "尚庄村")]
# Placeholder townships carrying the 13 unnamed villages and the 9 unnamed towns.
PLACEHOLDER_COUNTIES = ["长葛市", "长葛市", "禹州市", "鄢陵县", "襄城县", "建安区", "魏都区", "长葛市", "禹州市"]
BEE_PRODUCTS = "蜂蜜、蜂蜡、蜂机具"
HONOUR_VILLAGE = "2020年农产品百强淘宝村"
HONOUR_COUNTY = "2020年淘宝村百强县"


def _report(year: int) -> SourceReport:
    return services.source_report_get_or_create(
        title=f"{year}中国淘宝村研究报告", year=year, publisher="阿里研究院"
    )


def _designate(user, place: Region, kind: str, year: int, **extra) -> bool:
    if Designation.objects.filter(place=place, kind=kind, year=year).exists():
        return False
    services.designation_create(user=user, place=place, kind=kind, year=year,
                                source=_report(year), **extra)
    return True


def _honour(user, place: Region, year: int, title: str) -> None:
    if not Honour.objects.filter(place=place, year=year, title=title).exists():
        services.honour_create(user=user, place=place, year=year, title=title, source=_report(year))


def load(*, user) -> list[str]:
    """Load the registry as ``user`` (a city account), skipping what is already there."""
    created = 0
    named = [region_get_or_create_path(names=[CITY, *names]) for names in NAMED_VILLAGES]
    towns = [
        region_get_or_create_path(names=[CITY, county, f"示例镇{n:02d}"])
        for n, county in enumerate(PLACEHOLDER_COUNTIES, start=1)
    ]
    placeholders = [
        region_get_or_create_path(names=[CITY, towns[(n - 1) % len(towns)].parent.name,
                                         towns[(n - 1) % len(towns)].name, f"示例村{n:02d}"])
        for n in range(1, 14)
    ]
    gangli, shangzhuang = named
    for year in range(2016, 2021):
        created += _designate(user, gangli, DesignationKind.VILLAGE, year, main_products=BEE_PRODUCTS,
                              local_model="岗李模式",
                              note="企业+网络平台+农户；2016年被阿里巴巴誉为“岗李模式的淘宝村”")
        created += _designate(user, shangzhuang, DesignationKind.VILLAGE, year, main_products=BEE_PRODUCTS)
    for n, village in enumerate(placeholders, start=1):
        products = BEE_PRODUCTS if n <= 2 else "示例产品"
        created += _designate(user, village, DesignationKind.VILLAGE, 2020, main_products=products,
                              note="示例数据")
    for town in towns:
        created += _designate(user, town, DesignationKind.TOWN, 2020, note="示例数据")

    for village in [gangli, shangzhuang, placeholders[0], placeholders[1]]:
        _honour(user, village, 2020, HONOUR_VILLAGE)
    _honour(user, Region.objects.get(level=Level.COUNTY, name="长葛市"), 2020, HONOUR_COUNTY)
    return [f"Taobao designations created: {created}"] if created else []
