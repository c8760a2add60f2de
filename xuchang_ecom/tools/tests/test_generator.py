"""The benchmark data generator, at its tiny scale: valid, placeholder, deterministic."""
import pytest
from django.core.management import call_command
from django.db import transaction

from livestream.models import Anchor, Session
from poverty.models import Household
from xuchang_ecom.accounts.validators import validate_resident_id, validate_uscc
from xuchang_ecom.common.metrics import all_metrics
from xuchang_ecom.reporting.models import Report
from xuchang_ecom.tools.generator import SCALES, fake_resident_id, fake_uscc, generate

pytestmark = pytest.mark.django_db
TINY = SCALES["tiny"]


def test_the_tiny_scale_writes_every_registry_with_placeholder_names(capsys):
    call_command("generate_data", "--scale", "tiny")
    assert "tiny scale generated" in capsys.readouterr().out
    assert Session.objects.count() == TINY.sessions
    assert Anchor.objects.count() == TINY.anchors
    # Most sessions name their anchors, as the staff list shows them.
    assert TINY.sessions < Session.anchors.through.objects.count() < 2 * TINY.sessions
    assert Household.objects.count() == TINY.households
    assert Report.objects.exists()
    assert all(name.startswith("示例") for name in Household.objects.values_list("head_name", flat=True))


def test_generated_numbers_are_valid_in_form_and_born_in_1900():
    for serial in (0, 999, 1000, 199_999):
        number = fake_resident_id(serial)
        validate_resident_id(number)
        assert number[6:10] == "1900"
    validate_uscc(fake_uscc(12345))


def test_the_same_seed_gives_the_same_data():
    with transaction.atomic():
        generate("tiny", seed=7)
        first = list(Session.objects.order_by("pk").values_list("started_at", "sales")[:50])
        transaction.set_rollback(True)
    generate("tiny", seed=7)
    again = list(Session.objects.order_by("pk").values_list("started_at", "sales")[:50])
    assert first == again


def test_every_metric_computes_on_generated_data():
    from datetime import date

    generate("tiny")
    for metric in all_metrics():
        metric.by_county(date(2022, 12, 31))
    assert sum(get.city_total(date(2022, 12, 31)) for get in all_metrics() if get.key == "livestream.sessions_held") \
        == TINY.sessions
