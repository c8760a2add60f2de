"""City staff write calls in the admin, with their criteria and the documents they ask
for: a published call's weights still add up to 100, and once organisations have applied
no criterion or document is added or removed. Conflicts of interest are declared there."""
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from xuchang_ecom.applications import services
from xuchang_ecom.applications.models import Call, Conflict, Criterion, RequiredDocument
from xuchang_ecom.applications.selectors import has_conflict

from .factories import agency_reporter, call

pytestmark = pytest.mark.django_db

WEIGHTS_NOT_100 = "评分项分值合计为 {}，应为 100。"
CRITERIA_APPLIED = "已有单位按这些评分项申报了本通知，评分项不能再增加或删除。"
DOCUMENTS_APPLIED = "已有单位按这些申报材料要求申报了本通知，所要求的申报材料不能再增加或删除。"


def rows(prefix: str, items: list[dict]) -> dict:
    """An inline formset's POST data holding ``items`` (with ``id`` for those stored)."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(items)),
            f"{prefix}-INITIAL_FORMS": str(sum(1 for item in items if item.get("id"))),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    for index, item in enumerate(items):
        for name, value in item.items():
            if value is True:
                value = "on"
            if value is not False:
                data[f"{prefix}-{index}-{name}"] = "" if value is None else str(value)
    return data


def criteria_of(a_call) -> list[dict]:
    return [{"id": c.pk, "call": a_call.pk, "name": c.name, "weight": c.weight, "position": c.position}
            for c in a_call.criteria.all()]


def documents_of(a_call) -> list[dict]:
    return [{"id": d.pk, "call": a_call.pk, "name": d.name, "is_required": d.is_required, "position": d.position}
            for d in a_call.documents.all()]


def call_form(a_call, *, criteria=None, documents=None, **fields) -> dict:
    data = {"title": a_call.title, "kind": a_call.kind, "batch": a_call.batch, "description": a_call.description,
            "figures": a_call.figures, "opens_on": a_call.opens_on.isoformat(),
            "closes_on": a_call.closes_on.isoformat(), "notice_days": str(a_call.notice_days)}
    data.update(fields)
    data.update(rows("criteria", criteria_of(a_call) if criteria is None else criteria))
    data.update(rows("documents", documents_of(a_call) if documents is None else documents))
    return data


def change(client, a_call, **form):
    return client.post(reverse("admin:applications_call_change", args=[a_call.pk]), call_form(a_call, **form))


@pytest.fixture
def applied_call(city_user):
    a_call = call()
    services.application_start(user=agency_reporter(city_user, "agency_changge"), call=a_call)
    return a_call


def test_city_staff_add_a_call_with_its_criteria_and_documents_in_one_form(client, city_user):
    client.force_login(city_user)
    form = call_form(Call(title=" 2021年度电商示范企业申报 ", kind="demonstration_agency", batch="第一批",
                          figures=["sales"], opens_on=date(2021, 3, 1), closes_on=date(2021, 3, 31)),
                     criteria=[{"name": "线上销售额", "weight": "60", "position": "0"},
                               {"name": "带动就业", "weight": "40", "position": "1"}],
                     documents=[{"name": "营业执照", "is_required": True, "position": "0"}])
    response = client.post(reverse("admin:applications_call_add"), form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    added = Call.objects.get(title="2021年度电商示范企业申报")
    assert [(c.name, c.weight) for c in added.criteria.all()] == [("线上销售额", 60), ("带动就业", 40)]
    assert [d.name for d in added.documents.all()] == ["营业执照"]
    assert not added.is_published


def test_a_call_set_to_close_before_it_opens_is_refused_on_the_form(client, city_user):
    draft = call(published=False)
    client.force_login(city_user)
    response = change(client, draft, closes_on="2000-01-01")
    assert response.status_code == 200
    assert "申报截止日期不能早于开始日期。" in response.content.decode()
    draft.refresh_from_db()
    assert draft.closes_on.year > 2000


def test_a_published_calls_weights_changed_away_from_100_are_refused_beside_the_criteria(client, city_user):
    published = call()
    client.force_login(city_user)
    criteria = criteria_of(published)
    criteria[0]["weight"] = 40
    response = change(client, published, criteria=criteria)
    assert response.status_code == 200
    assert WEIGHTS_NOT_100.format(110) in response.content.decode()
    assert sorted(published.criteria.values_list("weight", flat=True)) == [20, 20, 30, 30]


def test_a_published_calls_criteria_may_be_reweighted_when_they_still_add_up_to_100(client, city_user):
    published = call()
    client.force_login(city_user)
    criteria = criteria_of(published)
    criteria[0]["weight"], criteria[3]["weight"] = 40, 20
    assert change(client, published, criteria=criteria).status_code == 302
    assert list(published.criteria.values_list("weight", flat=True)) == [40, 20, 20, 20]


def test_an_unpublished_calls_criteria_need_not_add_up_to_100_yet(client, city_user):
    draft = call(published=False)
    client.force_login(city_user)
    criteria = criteria_of(draft)
    criteria[2]["DELETE"] = criteria[3]["DELETE"] = True
    assert change(client, draft, criteria=criteria).status_code == 302
    assert draft.criteria.count() == 2


def test_once_organisations_have_applied_a_criterion_cannot_be_removed_and_the_page_says_why(
        client, city_user, applied_call):
    client.force_login(city_user)
    criteria = criteria_of(applied_call)
    criteria[3]["DELETE"] = True
    criteria[2]["weight"] = 50
    response = change(client, applied_call, criteria=criteria)
    assert response.status_code == 200
    assert CRITERIA_APPLIED in response.content.decode()
    assert applied_call.criteria.count() == 4


def test_once_organisations_have_applied_no_document_can_be_asked_for_in_addition(client, city_user, applied_call):
    client.force_login(city_user)
    documents = [*documents_of(applied_call), {"name": "纳税证明", "is_required": True, "position": "2"}]
    response = change(client, applied_call, documents=documents)
    assert response.status_code == 200
    assert DOCUMENTS_APPLIED in response.content.decode()
    assert not RequiredDocument.objects.filter(name="纳税证明").exists()


def test_a_criterion_added_while_the_form_was_open_is_kept_when_the_form_is_saved(client, city_user):
    draft = call(published=False)
    shown = criteria_of(draft)
    Criterion.objects.create(call=draft, name="网店信誉", weight=10, position=9)
    client.force_login(city_user)
    assert change(client, draft, criteria=shown).status_code == 302
    assert draft.criteria.filter(name="网店信誉").count() == 1 and draft.criteria.count() == 5


def test_once_organisations_have_applied_a_criterion_may_still_be_renamed(client, city_user, applied_call):
    client.force_login(city_user)
    criteria = criteria_of(applied_call)
    criteria[0]["name"] = "网络零售额"
    assert change(client, applied_call, criteria=criteria).status_code == 302
    assert applied_call.criteria.first().name == "网络零售额"


def test_a_call_organisations_have_applied_to_is_not_deleted_by_the_delete_selected_action(
        client, city_user, applied_call):
    draft = call(published=False, title="作废的通知")
    client.force_login(city_user)
    response = client.post(reverse("admin:applications_call_changelist"), {
        "action": "delete_selected", "_selected_action": [draft.pk, applied_call.pk], "post": "yes"})
    assert response.status_code == 200  # Django's page naming what would have to go
    assert Call.objects.count() == 2
    with pytest.raises(ValidationError, match="不能删除"):
        services.call_delete(call=applied_call)


def test_a_call_nobody_applied_to_is_deleted_with_its_criteria(client, city_user):
    draft = call(published=False, title="作废的通知")
    client.force_login(city_user)
    response = client.post(reverse("admin:applications_call_delete", args=[draft.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Call.objects.exists() and not Criterion.objects.exists()


# -- conflicts of interest ----------------------------------------------------------------


@pytest.fixture
def agency(city_user):
    return agency_reporter(city_user, "agency_changge").organisation


def test_a_conflict_declared_in_the_admin_keeps_the_reviewer_from_scoring_the_organisation(
        client, city_user, agency):
    client.force_login(city_user)
    response = client.post(reverse("admin:applications_conflict_add"), {
        "user": city_user.pk, "organisation": agency.pk, "reason": "  亲属任法定代表人  "})
    assert response.status_code == 302
    assert Conflict.objects.get().reason == "亲属任法定代表人"
    assert has_conflict(user=city_user, organisation=agency)


def test_a_conflict_declared_twice_is_refused_on_the_page_and_kept_once(client, city_user, agency):
    services.conflict_declare(reviewer=city_user, organisation=agency, reason="亲属任法定代表人")
    client.force_login(city_user)
    response = client.post(reverse("admin:applications_conflict_add"), {
        "user": city_user.pk, "organisation": agency.pk, "reason": "曾在该单位任职"})
    assert response.status_code == 200 and "利益关联 已经存在" in response.content.decode()
    assert Conflict.objects.count() == 1


def test_a_conflict_withdrawn_with_the_delete_selected_action_lets_the_reviewer_score_again(
        client, city_user, agency):
    conflict = services.conflict_declare(reviewer=city_user, organisation=agency, reason="亲属任法定代表人")
    client.force_login(city_user)
    response = client.post(reverse("admin:applications_conflict_changelist"), {
        "action": "delete_selected", "_selected_action": [conflict.pk], "post": "yes"})
    assert response.status_code == 302
    assert not has_conflict(user=city_user, organisation=agency)
