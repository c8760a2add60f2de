"""Load Xuchang, its county-level divisions, and the townships and villages the November
2020 report names. Statistical codes are the National Bureau of Statistics' where known;
the others stay empty rather than guessed."""
from django.db import migrations

CITY = ("许昌市", "411000000000")
COUNTIES = [
    ("魏都区", "411002000000", False),
    ("建安区", "411003000000", False),
    ("鄢陵县", "411024000000", False),
    ("襄城县", "411025000000", False),
    ("禹州市", "411081000000", False),
    ("长葛市", "411082000000", False),
    ("东城区", None, True),  # a functional area administered like a county
]
# county -> township -> villages, as named in the report
TOWNSHIPS = {
    "长葛市": {
        "佛耳湖镇": ["岗李村", "尚庄村"],
        "大周镇": [],
        "石象镇": [],
    },
}


def load(apps, schema_editor):
    Region = apps.get_model("regions", "Region")

    def add(name, level, parent, code=None, functional=False):
        path = f"{parent.path if parent else ''}{name}/"
        region, _ = Region.objects.get_or_create(
            path=path,
            defaults={"name": name, "level": level, "parent": parent, "code": code,
                      "is_functional_area": functional,
                      "county": parent.county if level > 2 else None},
        )
        if level == 2 and region.county_id is None:
            region.county = region
            region.save(update_fields=["county"])
        return region

    city = add(CITY[0], 1, None, CITY[1])
    for name, code, functional in COUNTIES:
        county = add(name, 2, city, code, functional)
        for township_name, villages in TOWNSHIPS.get(name, {}).items():
            township = add(township_name, 3, county)
            for village_name in villages:
                add(village_name, 4, township)


def unload(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    for level in (4, 3, 2, 1):
        Region.objects.filter(level=level, path__startswith=CITY[0] + "/").delete()


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
