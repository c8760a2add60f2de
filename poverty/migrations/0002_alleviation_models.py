"""The four poverty-alleviation models the November 2020 report names."""
from django.db import migrations

MODELS = [
    ("ecommerce-household", "电商+贫困户"),
    ("ecommerce-enterprise-household", "电商+企业+贫困户"),
    ("ecommerce-base-household", "电商+基地+贫困户"),
    ("ecommerce-tourism-household", "电商+旅游+贫困户"),
]


def load(apps, schema_editor):
    AlleviationModel = apps.get_model("poverty", "AlleviationModel")
    for code, name in MODELS:
        AlleviationModel.objects.get_or_create(code=code, defaults={"name": name})


def unload(apps, schema_editor):
    apps.get_model("poverty", "AlleviationModel").objects.filter(code__in=[code for code, _ in MODELS]).delete()


class Migration(migrations.Migration):
    dependencies = [("poverty", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
