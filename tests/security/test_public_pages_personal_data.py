"""No personal data on any page the public sees: the public pages, the open data's HTML
neighbours, the error pages. Scanned for ID numbers, mobile numbers and the world's names."""
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

ID_NUMBER = re.compile(r"\b\d{6}(?:18|19|20)\d{2}[01]\d[0-3]\d\d{3}[\dXx]\b")
MOBILE = re.compile(r"\b1[3-9]\d{9}\b")


def scan(text: str, where: str, names: list[str]) -> None:
    assert not ID_NUMBER.search(text), f"an ID number on {where}"
    assert not MOBILE.search(text), f"a mobile number on {where}"
    for name in names:
        assert name not in text, f"{name} on {where}"


def test_no_public_page_or_error_page_shows_personal_data(client, world, monkeypatch):
    from programs import services as programs

    programs.rollup_run(as_of=timezone.localdate())
    cache.clear()
    household, anchor = world.objects["household"], world.objects["anchor"]
    names = [household.head_name, anchor.real_name, world.objects["employment"].member_name]
    call = world.objects["call"]
    pages = ["/", "/?lang=en", reverse("calls:calls"), reverse("calls:call", args=[call.pk]),
             reverse("login"), reverse("password_reset"), "/api/docs/", "/api/schema/", "/nowhere/"]
    for path in pages:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        scan(response.content.decode(), path, names)

    # The 413 and the 500/503 pages say nothing of what was sent or what failed.
    too_big = client.post(reverse("login"), data=b"x", content_type="text/plain", CONTENT_LENGTH=str(60 * 2**20))
    scan(too_big.content.decode(), "the 413 page", names)
    from xuchang_ecom.site import views

    def broken():
        raise RuntimeError(f"{household.resident_id} {household.head_name}")

    monkeypatch.setattr(views, "public_dashboard", broken)
    client.raise_request_exception = False
    cache.clear()
    failed = client.get("/")
    assert failed.status_code == 500
    scan(failed.content.decode(), "the 500 page", [*names, household.resident_id])
