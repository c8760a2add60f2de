"""Personal data in the trail is masked with the project's masks, in every column of every
entry, and the encrypted form of a resident ID number never reaches it."""
import json
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from livestream import services as livestream
from poverty import services as poverty
from poverty.models import Household
from poverty.resources import HouseholdResource
from poverty.tests.factories import GANGLI, base, enterprise, household
from tests.helpers import run
from xuchang_ecom.accounts import services as accounts
from xuchang_ecom.accounts.tests.factories import region
from xuchang_ecom.audit.models import LogEntry
from xuchang_ecom.common.masking import mask_resident_id
from xuchang_ecom.tools.demo.poverty import demo_resident_id

pytestmark = pytest.mark.django_db

HEAD, NEW_HEAD, MEMBER, ANCHOR, CONTACT = "欧阳震华", "欧阳振华", "司马相如", "诸葛孔明", "上官婉儿"
MOBILE, NEW_MOBILE, PHONE = "13812345678", "13987654321", "037112345678"
EMAIL = "shangguan.waner@example.org"


def stored_tokens() -> list[str]:
    """The resident ID numbers as the database stores them (Fernet tokens)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT resident_id FROM {Household._meta.db_table}")
        return [row[0] for row in cursor.fetchall()]


def every_column_of_every_entry() -> str:
    rows = LogEntry.objects.values("object_repr", "changes", "changes_text", "additional_data", "serialized_data",
                                   "actor_email", "cid", "object_pk")
    return json.dumps(list(rows), ensure_ascii=False, default=str)


def test_no_entry_holds_a_full_name_number_or_token(client, city_user):
    # Households: created, changed (name and number), imported, changed through the API, deleted.
    poor = household(city_user, head_name=HEAD)
    first_number = poor.resident_id
    poverty.record_update(user=city_user, instance=poor, data={"head_name": NEW_HEAD, "size": 4})
    second_number = demo_resident_id(77)
    poverty.record_update(user=city_user, instance=poor, data={"resident_id": second_number})
    result = run(HouseholdResource, city_user, [{"head_name": HEAD, "resident_id": second_number,
                                                 "village": GANGLI, "size": "5", "disabled_members": "0"}])
    assert not result.has_errors() and not result.has_validation_errors()
    client.force_login(city_user)
    response = client.patch(reverse("poverty:household-detail", args=[poor.pk]),
                            data={"head_name": NEW_HEAD}, content_type="application/json")
    assert response.status_code == 200
    tokens = stored_tokens()
    # Its links: a job (a member's name), a lease, a dividend and take-home work.
    workplace, company = base(city_user), enterprise(city_user)
    job = poverty.employment_create(user=city_user, household=poor, base=workplace, member_name=MEMBER,
                                    started_on=date(2021, 1, 1))
    poverty.record_update(user=city_user, instance=job, data={"member_name": HEAD})
    poverty.land_lease_create(user=city_user, household=poor, base=workplace, area_mu=1, annual_rent=100,
                              started_on=date(2021, 1, 1))
    poverty.dividend_create(user=city_user, household=poor, base=workplace, year=2021, amount=50,
                            paid_on=date(2021, 12, 1))
    poverty.take_home_work_create(user=city_user, household=poor, enterprise=company, period_start=date(2021, 1, 1),
                                  period_end=date(2021, 1, 31), pay=300)
    # An anchor's real name and mobile number.
    anchor = livestream.anchor_create(user=city_user, display_name="示例主播", region=region("长葛市"),
                                      real_name=ANCHOR, mobile=MOBILE)
    livestream.anchor_update(user=city_user, anchor=anchor, data={"mobile": NEW_MOBILE})
    # An organisation's contact, an account's name and e-mail address.
    accounts.organisation_create(name="示例单位", region=region("长葛市"), contact_name=CONTACT, contact_phone=PHONE)
    accounts.user_create(username="someone", password=None, role="city", first_name=CONTACT, email=EMAIL)
    # And everything deleted (a household takes its links with it).
    livestream.record_delete(user=city_user, instance=anchor)
    poverty.record_delete(user=city_user, instance=poor)

    kept = every_column_of_every_entry()
    assert LogEntry.objects.count() > 20
    for secret in (HEAD, NEW_HEAD, MEMBER, ANCHOR, CONTACT, MOBILE, NEW_MOBILE, PHONE, EMAIL, first_number,
                   second_number, *tokens):
        assert secret not in kept, secret
    assert "gAAAAA" not in kept  # the start of every Fernet token
    # What is there instead: the masks.
    for masked in ("欧***", "司***", "诸***", "上***", "138****5678", "037*****5678", "s**************@example.org",
                   mask_resident_id(second_number)):
        assert masked in kept, masked
    assert "id_hash" not in kept


def test_the_trail_and_history_pages_show_no_personal_data_in_full(client, city_user):
    poor = household(city_user, head_name=HEAD)
    poverty.employment_create(user=city_user, household=poor, base=base(city_user), member_name=MEMBER,
                              started_on=date(2021, 1, 1))
    client.force_login(city_user)

    pages = [client.get(reverse("admin:audit_logentry_changelist")),
             client.get(reverse("admin:poverty_household_history", args=[poor.pk]))]
    pages += [client.get(reverse("admin:audit_logentry_change", args=[entry.pk]))
              for entry in LogEntry.objects.filter(content_type__app_label="poverty")]

    for response in pages:
        assert response.status_code == 200
        for secret in (HEAD, MEMBER, poor.resident_id):
            assert secret not in response.content.decode(), (response.request["PATH_INFO"], secret)
