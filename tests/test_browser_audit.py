"""The audit trail in a real browser, as city staff read it: a household's history from its
change page, and the trail's list, on a desktop and on a phone; no policy violation.
Screenshots go to tests/artifacts/."""
import os
from pathlib import Path

import pytest

from poverty import services as poverty
from poverty.tests.factories import household

from .test_browser_applications import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ARTIFACTS = Path(__file__).parent / "artifacts"

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"audit-{name}.png"), full_page=True)


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_city_staff_open_a_households_history_from_its_page(browser, live_server, city_user, screen):
    poor = household(city_user, head_name="张三丰")
    poverty.record_update(user=city_user, instance=poor, data={"size": 4, "exited_in": 2020})
    page = log_in(browser, live_server.url, city_user.username)
    if screen == "desktop":
        page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{live_server.url}/admin/poverty/household/{poor.pk}/change/")
    page.click(".object-tools a.historylink")
    page.wait_for_load_state("networkidle")

    rows = page.locator("#change-history tr.audit-entry")
    assert rows.count() == 2
    newest = rows.first.inner_text()
    assert "修改" in newest and "家庭人口" in newest and "脱贫年份" in newest
    assert "张三丰" not in page.content()
    shot(page, f"history-{screen}")
    page.goto(f"{live_server.url}/admin/audit/logentry/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#result_list tbody tr").count() >= 2
    shot(page, f"trail-{screen}")
    assert not page.errors and not page.foreign
