"""Amounts in the admin read as the bureau writes money (53,130.00), while the boxes that
edit them keep plain numbers that the form accepts back."""
import re
from decimal import Decimal

import pytest
from django.contrib.admin import site
from django.urls import reverse

from villages.models import Designation
from villages.tests.factories import DesignationFactory

pytestmark = pytest.mark.django_db


def test_the_change_list_shows_an_amount_with_thousands_separators(client, city_user):
    DesignationFactory(online_sales=Decimal("53130"), online_shops=1200)
    client.force_login(city_user)

    page = client.get(reverse("admin:villages_designation_changelist")).content.decode()

    assert "53,130.00" in page and "53130.00" not in page
    assert "1200" in page  # a count is not an amount, nor is a year (2,020)


def test_a_read_only_amount_is_grouped_too(client, city_user, monkeypatch):
    designation = DesignationFactory(online_sales=Decimal("1234567.5"))
    client.force_login(city_user)
    # The page a user who may only view the record reads: every field read only.
    monkeypatch.setattr(site._registry[Designation], "has_change_permission", lambda request, obj=None: False)

    page = client.get(reverse("admin:villages_designation_change", args=[designation.pk])).content.decode()

    assert "1,234,567.50" in page


def test_the_change_form_edits_the_amount_as_a_plain_number_and_saves_it(client, city_user):
    designation = DesignationFactory(online_sales=Decimal("53130"))
    client.force_login(city_user)
    url = reverse("admin:villages_designation_change", args=[designation.pk])

    form = client.get(url).context["adminform"].form
    box = re.search(r'<input[^>]*name="online_sales"[^>]*>', str(form["online_sales"])).group(0)
    assert 'value="53130.00"' in box or 'value="53130"' in box
    data = {name: form[name].value() if form[name].value() is not None else "" for name in form.fields}
    data["online_sales"] = "60123.45"
    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    designation.refresh_from_db()
    assert designation.online_sales == Decimal("60123.45")
