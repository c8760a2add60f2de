"""County staff keep their households in a real browser, on a phone and on a desk, without
ever reading a full name or number: the list and the page show them masked, the masked
box starts empty with the mask as its hint, and a corrected name is saved unread."""
import os
from datetime import date

import pytest

from poverty import services
from poverty.models import Household
from poverty.tests.factories import base, household

from .test_browser_applications import ARTIFACTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.mark.parametrize("width", [375, 1366])
def test_county_staff_correct_a_heads_name_without_reading_it(browser, live_server, city_user, changge_user, width):
    head = household(city_user, serial=1, head_name="张三丰")
    services.employment_create(user=city_user, household=head, base=base(city_user), member_name="李四光",
                               started_on=date(2020, 1, 1))
    page = log_in(browser, live_server.url, changge_user.username)
    page.set_viewport_size({"width": width, "height": 900})

    page.goto(f"{live_server.url}/admin/poverty/household/")
    listed = page.locator("#result_list").inner_text()
    assert "张**" in listed and "张三丰" not in listed and head.resident_id not in listed
    page.goto(f"{live_server.url}/admin/poverty/employment/")
    assert "李**" in page.locator("#result_list").inner_text()

    page.goto(f"{live_server.url}/admin/poverty/household/{head.pk}/change/")
    name_box = page.locator("#id_head_name")
    assert name_box.input_value() == "" and name_box.get_attribute("placeholder") == "张**"
    assert "已脱敏" in page.locator("#content").inner_text()
    assert "张三丰" not in page.content() and head.resident_id not in page.content()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"household-change-county-{width}.png"), full_page=True)

    name_box.fill("张三峰")
    page.click("input[name=_save]")
    page.wait_for_load_state("networkidle")
    assert "张三峰" not in page.content()  # saved, and still shown masked
    assert Household.objects.get(pk=head.pk).head_name == "张三峰"
    assert not page.errors and not page.foreign
