"""The admin's export page as the bureau's staff use it: the format starts on Excel, a form
posted without one says so in Chinese, and the file is named after the registry."""
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone

from villages.tests.factories import DesignationFactory

pytestmark = pytest.mark.django_db

EXPORT = reverse("admin:villages_designation_export")


def all_columns(form) -> dict:
    return {name: "on" for name, field in form.fields.items() if getattr(field, "is_selectable_field", False)}


def test_the_export_page_starts_on_excel_with_no_empty_format_to_pick(client, city_user):
    client.force_login(city_user)

    form = client.get(EXPORT).context["form"]

    assert form["format"].value() == "0"
    assert [label for _value, label in form.fields["format"].choices] == ["xlsx", "csv"]


def test_an_export_posted_without_a_format_says_what_is_missing_in_chinese(client, city_user):
    client.force_login(city_user)
    form = client.get(EXPORT).context["form"]

    response = client.post(EXPORT, {"resource": "0", **all_columns(form)})

    assert response.status_code == 200
    assert "请选择导出文件的格式" in response.content.decode()


def test_the_exported_file_is_named_after_the_registry_in_chinese_with_an_ascii_fallback(client, city_user):
    DesignationFactory()
    client.force_login(city_user)
    form = client.get(EXPORT).context["form"]

    response = client.post(EXPORT, {"format": "0", "resource": "0", **all_columns(form)})

    today = f"{timezone.localdate():%Y-%m-%d}"  # the bureau's date, not UTC's
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="designation-{today}.xlsx"; ')
    encoded = disposition.split("filename*=utf-8''", 1)[1]
    assert unquote(encoded) == f"淘宝村、淘宝镇认定-{today}.xlsx"
