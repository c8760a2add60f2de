"""The issue's test of the trail: one household edited in the admin, updated by an import and
changed through the API, by three people; its history page, as city staff read it, shows
all three with who, when, how and every value before and after, the name masked."""
import base64
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from poverty.resources import HouseholdResource
from poverty.tests.factories import GANGLI, household
from tests.helpers import AdminPages, csv_file
from xuchang_ecom.accounts.tests.factories import DEFAULT_PASSWORD, county_staff, region
from xuchang_ecom.audit.models import LogEntry

pytestmark = pytest.mark.django_db
POVERTY = AdminPages("poverty")


def basic_auth(user) -> str:
    return "Basic " + base64.b64encode(f"{user.username}:{DEFAULT_PASSWORD}".encode()).decode()


def test_the_history_of_a_household_shows_the_admin_the_import_and_the_api(client, city_user, changge_user):
    other_changge_user = county_staff("changge_2", "长葛市")
    poor = household(city_user, head_name="张三丰", size=3)
    started = timezone.now()

    # 1. County staff of 长葛市 edit it in the admin: 3 members → 4.
    client.force_login(changge_user)
    response = client.post(POVERTY.url("household", "change", poor.pk), {
        "head_name": "张三丰", "new_resident_id": "", "village": region(GANGLI).pk, "size": "4",
        "disabled_members": "0", "exited_in": ""})
    assert response.status_code == 302, response.context["adminform"].form.errors

    # 2. City staff update it by importing a file (checked, then confirmed): one member with
    #    a disability; the file's second row is the household, under the header.
    client.force_login(city_user)
    content = csv_file(HouseholdResource, [{
        "head_name": "张三丰", "resident_id": poor.resident_id, "village": GANGLI, "size": "4",
        "disabled_members": "1", "exited_in": ""}])
    POVERTY.import_file(client, "household", content, name="长葛市户籍更新.csv")

    # 3. Another county staff member changes it through the API with Basic credentials:
    #    out of poverty in 2020, and the head's name corrected.
    client.logout()
    response = client.patch(reverse("poverty:household-detail", args=[poor.pk]),
                            data=json.dumps({"exited_in": 2020, "head_name": "张三峰"}),
                            content_type="application/json", HTTP_AUTHORIZATION=basic_auth(other_changge_user))
    assert response.status_code == 200, response.content
    assert response.json()["head_name"] == "张**"  # masked for county staff, as the API always does

    entries = list(LogEntry.objects.get_for_object(poor).filter(timestamp__gte=started).order_by("timestamp", "pk"))
    assert [(entry.actor, (entry.additional_data or {}).get("via")) for entry in entries] == [
        (changge_user, "admin"), (city_user, "import"), (other_changge_user, "api")]
    assert entries[1].additional_data["file"] == "长葛市户籍更新.csv"
    assert entries[1].additional_data["row"] == 2
    assert entries[0].changes == {"size": [3, 4]}
    assert entries[1].changes == {"disabled_members": [0, 1]}
    assert entries[2].changes == {"exited_in": [None, 2020], "head_name": ["张**", "张**"]}

    client.force_login(city_user)
    response = client.get(POVERTY.url("household", "history", poor.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "张三丰" not in page and "张三峰" not in page and poor.resident_id not in page
    api, imported, admin_form, created = response.context["entries"]  # newest first
    assert (api["action"], api["who"], api["how"]) == ("修改", "changge_2", "接口")
    assert [(c.label, c.before, c.after) for c in api["changes"]] == [("户主姓名", "张**", "张**"),
                                                                        ("脱贫年份", "—", "2020")]
    assert (imported["who"], imported["how"]) == ("city", "导入 · 长葛市户籍更新.csv · 第 2 行")
    assert [(c.label, c.before, c.after) for c in imported["changes"]] == [("残疾人口", "0", "1")]
    assert (admin_form["who"], admin_form["how"]) == ("changge", "后台表单")
    assert [(c.label, c.before, c.after) for c in admin_form["changes"]] == [("家庭人口", "3", "4")]
    assert created["action"] == "新增"
    for entry in (api, imported, admin_form):
        assert entry["when"] >= started
        for text in (entry["action"], entry["who"], entry["how"], entry["when"].strftime("%Y-%m-%d %H:%M")):
            assert str(text) in page
