"""Key rotation re-encrypts every resident ID under the new key."""
import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from poverty.models import Household
from poverty.tests.factories import household

pytestmark = pytest.mark.django_db


def _stored_tokens() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT resident_id FROM poverty_household ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def test_rotating_keys_reencrypts_every_number_under_the_first_key(city_user, settings):
    numbers = [household(city_user, serial=n).resident_id for n in range(1, 4)]
    old_key, new_key = settings.PERSONAL_DATA_KEYS[0], Fernet.generate_key().decode()
    settings.PERSONAL_DATA_KEYS = [new_key, old_key]
    call_command("rotate_personal_data_keys", batch_size=2, stdout=None)
    tokens = _stored_tokens()
    assert [Fernet(new_key.encode()).decrypt(token.encode()).decode() for token in tokens] == numbers
    settings.PERSONAL_DATA_KEYS = [new_key]  # the old key can now be removed
    assert [h.resident_id for h in Household.objects.order_by("pk")] == numbers
