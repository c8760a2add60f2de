"""City staff read the trail in the admin, in Chinese, by user, date and registry; nobody
changes or deletes it there; county staff do not read it."""
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from livestream import services as livestream
from livestream.models import Cluster
from poverty.models import Household
from poverty.tests.factories import household
from xuchang_ecom.accounts.models import Role
from xuchang_ecom.accounts.tests.factories import make_user, region
from xuchang_ecom.audit.models import LogEntry

pytestmark = pytest.mark.django_db
TRAIL = reverse("admin:audit_logentry_changelist")


@pytest.fixture
def changes(city_user, changge_user):
    """A cluster added by county staff and changed by city staff; a household added by city staff."""
    cluster = livestream.cluster_create(user=changge_user, name="示例集聚区", region=region("长葛市"),
                                        lead_industry="发制品")
    livestream.record_update(user=city_user, instance=cluster, data={"lead_industry": "蜂产品"})
    poor = household(city_user)
    # The services were called directly: say who, as a request would.
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Cluster), action=0).update(
        actor=changge_user)
    LogEntry.objects.exclude(content_type=ContentType.objects.get_for_model(Cluster), action=0).update(
        actor=city_user)
    return {"cluster": cluster, "household": poor}


def listed(client, **params) -> list[LogEntry]:
    response = client.get(TRAIL, params)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.S)
    # Django's admin lists each app's models under headings only screen readers announce
    # ("Model name" …), which Django 5.2 leaves untranslated on every admin page.
    html = re.sub(r'<thead class="visually-hidden">.*?</thead>', " ", html, flags=re.S)
    return re.sub(r"&\w+;", " ", re.sub(r"<[^>]+>", " ", html))


def english_words(html: str, data: set[str]) -> set[str]:
    """Latin words of three letters or more on the page that are not data (user names …)."""
    words = set(re.findall(r"[A-Za-z][A-Za-z-]{2,}", visible_text(html)))
    return words - data


def test_city_staff_search_the_trail_by_user_date_registry_action_and_channel(client, city_user, changge_user,
                                                                              changes):
    client.force_login(city_user)
    cluster_type = ContentType.objects.get_for_model(Cluster)

    assert [entry.object_repr for entry in listed(client, user=changge_user.pk)] == ["示例集聚区"]
    assert {entry.content_type for entry in listed(client, registry=cluster_type.pk)} == {cluster_type}
    assert [entry.action for entry in listed(client, registry=cluster_type.pk, action=1)] == [1]
    today = timezone.localdate()
    assert len(listed(client, timestamp__year=today.year, timestamp__month=today.month, timestamp__day=today.day)) \
        == LogEntry.objects.count()
    assert listed(client, timestamp__year=2001) == []
    # By the account's name: what it did, and the account itself.
    assert {entry.object_repr for entry in listed(client, q="changge")} == {"示例集聚区", "changge"}
    assert listed(client, via="import") == []


def test_the_trail_reads_in_chinese(client, city_user, changge_user, changes):
    client.force_login(city_user)
    entry = LogEntry.objects.filter(content_type__model="cluster", action=1).get()

    pages = {"list": client.get(TRAIL).content.decode(),
             "entry": client.get(reverse("admin:audit_logentry_change", args=[entry.pk])).content.decode(),
             "history": client.get(reverse("admin:livestream_cluster_history",
                                           args=[changes["cluster"].pk])).content.decode()}

    data = {"city", "changge"}
    for name, page in pages.items():
        assert not english_words(page, data), (name, english_words(page, data))
    for words in ("变更记录", "操作人", "途径", "名录", "新增", "修改", "直播电商产业集聚区"):
        assert words in pages["list"], words
    for words in ("主导产业", "发制品", "蜂产品", "修改前", "修改后"):
        assert words in pages["entry"] and words in pages["history"], words


def test_nobody_adds_changes_or_deletes_an_entry_not_even_a_superuser(client, city_user, changes):
    superuser = make_user("root", Role.CITY_STAFF)
    superuser.is_superuser = True
    superuser.save()
    entry = LogEntry.objects.first()
    for user in (city_user, superuser):
        client.force_login(user)
        change = reverse("admin:audit_logentry_change", args=[entry.pk])
        assert client.get(reverse("admin:audit_logentry_add")).status_code == 403
        assert client.post(change, {"object_repr": "changed"}).status_code == 403
        assert client.post(reverse("admin:audit_logentry_delete", args=[entry.pk]), {"post": "yes"}).status_code \
            == 403
        assert client.post(TRAIL, {"action": "delete_selected", "_selected_action": [entry.pk]}).status_code in (
            200, 302)
        assert "delete_selected" not in client.get(TRAIL).content.decode()
    assert LogEntry.objects.filter(pk=entry.pk, object_repr=entry.object_repr).exists()


def test_county_staff_do_not_read_the_trail(client, changge_user, changes):
    client.force_login(changge_user)
    entry = LogEntry.objects.first()

    assert client.get(TRAIL).status_code == 403
    assert client.get(reverse("admin:audit_logentry_change", args=[entry.pk])).status_code == 403
    # The history page of their own county's record is Django's list of admin actions.
    response = client.get(reverse("admin:poverty_household_history", args=[changes["household"].pk]))
    assert response.status_code == 200
    assert "entries" not in response.context and "action_list" in response.context


def test_a_records_change_page_links_to_its_history(client, city_user, changes):
    client.force_login(city_user)
    poor: Household = changes["household"]

    page = client.get(reverse("admin:poverty_household_change", args=[poor.pk])).content.decode()
    history = reverse("admin:poverty_household_history", args=[poor.pk])

    assert f'href="{history}" class="historylink">变更历史</a>' in page
    response = client.get(history)
    assert [entry["action"] for entry in response.context["entries"]] == ["新增"]


def test_the_history_of_a_record_out_of_the_users_area_is_not_found(client, city_user, yuzhou_user, changes):
    yuzhou_user.user_permissions.add(*ContentType.objects.get_for_model(LogEntry).permission_set.filter(
        codename="view_logentry"))
    client.force_login(yuzhou_user)
    assert client.get(reverse("admin:poverty_household_history", args=[changes["household"].pk])).status_code == 404


def test_a_deleted_record_stays_in_the_trail(client, city_user, changes):
    cluster = changes["cluster"]
    pk = cluster.pk
    livestream.record_delete(user=city_user, instance=cluster)
    client.force_login(city_user)

    [deleted] = listed(client, action=2)
    assert (deleted.object_id, deleted.object_repr) == (pk, "示例集聚区")
    page = client.get(reverse("admin:audit_logentry_change", args=[deleted.pk])).content.decode()
    assert "删除" in page and "蜂产品" in page
