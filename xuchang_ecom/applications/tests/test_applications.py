"""Applications (申报): an agency applies, its county gives a first opinion, the city scores
and decides, the public notice goes out and the recognition enters the registry."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from livestream.models import Agency
from programs import services as programs
from programs.models import Snapshot
from programs.tests.factories import plan
from xuchang_ecom.accounts.models import Role
from xuchang_ecom.accounts.tests.factories import make_user
from xuchang_ecom.applications import selectors, services
from xuchang_ecom.applications.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Conflict,
    Document,
    Notice,
)
from xuchang_ecom.common.errors import NotFound
from xuchang_ecom.reporting.tests.factories import period

from .factories import EXE, PDF, PNG, agency_reporter, approved_report, call, months_before

pytestmark = pytest.mark.django_db

STATEMENT = "本机构2020年签约主播56名，带动贫困户就业12人。"


@pytest.fixture
def agency_call():
    return call()


@pytest.fixture
def applicant(city_user):
    return agency_reporter(city_user, "agency_changge")


@pytest.fixture
def other_applicant(city_user):
    return agency_reporter(city_user, "agency_yuzhou", county="禹州市")


@pytest.fixture
def second_evaluator():
    return make_user("city_evaluator2", Role.CITY_STAFF)


def licence(name="营业执照.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def requirement(a_call, name="营业执照"):
    return a_call.documents.get(name=name)


def edit(client, application, action="save", **data):
    form = {"version": application.version, "action": action, "subject": str(application.subject_id or ""),
            "statement": STATEMENT, "figure:sales": "1200000", "figure:sessions_held": "340", **data}
    return client.post(reverse("applications:edit", args=[application.pk]), form)


def submitted(user, a_call) -> Application:
    """An application of ``user``'s organisation to ``a_call``, complete and submitted."""
    application = services.application_start(user=user, call=a_call)
    services.document_upload(user=user, application=application, requirement=requirement(a_call), upload=licence())
    application.refresh_from_db()
    return services.application_submit(user=user, application=application, version=application.version,
                                       data={"statement": STATEMENT, "figure:sales": "1000000",
                                             "figure:sessions_held": "300"})


def score(user, application, *values):
    criteria = list(application.call.criteria.all())
    return services.evaluation_save(user=user, application=application,
                                    points={criterion.pk: str(value) for criterion, value in zip(criteria, values,
                                                                                               strict=True)})


def agencies_supported(as_of: date) -> Decimal:
    return Snapshot.objects.city().get(target__metric_key="livestream.agencies_supported", as_of=as_of).value


# -- the walk -----------------------------------------------------------------------------


def test_an_agency_applies_and_once_approved_and_noticed_the_supported_agency_count_rises(
        client, applicant, agency_call, city_user, changge_user):
    plan()
    today = timezone.localdate()
    programs.rollup_run(as_of=today)
    before = agencies_supported(today)

    # The reporter finds the call, starts a draft and fills it in.
    client.force_login(applicant)
    home = client.get(reverse("applications:home")).content.decode()
    assert agency_call.title in home and "申报" in home
    response = client.post(reverse("applications:start", args=[agency_call.pk]))
    application = Application.objects.get(organisation=applicant.organisation)
    assert response.url == reverse("applications:edit", args=[application.pk])
    assert application.subject_id == Agency.objects.get(organisation=applicant.organisation).pk
    response = client.post(reverse("applications:edit", args=[application.pk]), {
        "version": application.version, "action": "save", "subject": str(application.subject_id),
        "statement": STATEMENT, "figure:sales": "1,200,000", "figure:sessions_held": "340",
        f"document:{requirement(agency_call).pk}": licence(),
    })
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.figures == {"sales": "1200000.00", "sessions_held": "340"}
    assert application.uploads.get().content_type == "application/pdf"
    response = edit(client, application, action="submit")
    assert response.url == reverse("applications:detail", args=[application.pk])
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED

    # 长葛市 recommends it; the city scores it and approves it.
    client.force_login(changge_user)
    client.post(reverse("applications:decide", args=[application.pk]),
                {"action": "opinion", "recommended": "yes", "comment": "材料齐全，同意推荐。"})
    assert application.county_opinion.recommended
    client.force_login(city_user)
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "您的评分" in page and "县（市、区）初审意见" in page
    criteria = list(agency_call.criteria.all())
    client.post(reverse("applications:decide", args=[application.pk]),
                {"action": "score", **{f"criterion_{c.pk}": str(c.weight - 2) for c in criteria},
                 "comment": "带动效果明显。"})
    assert application.evaluations.get().total == Decimal(92)
    application.refresh_from_db()
    client.post(reverse("applications:decide", args=[application.pk]),
                {"action": "approve", "version": application.version, "comment": "同意认定。"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED

    # Once the call has closed, the public notice goes out; the recognition takes effect
    # the day after it ends.
    agency_call.closes_on = today - timedelta(days=1)
    agency_call.save()
    client.post(reverse("applications:publish-notice", args=[agency_call.pk]))
    notice = Notice.objects.get(call=agency_call)
    effective = today + timedelta(days=7)
    assert (notice.starts_on, notice.ends_on, notice.takes_effect_on) == (today, today + timedelta(days=6), effective)
    agency = Agency.objects.get(organisation=applicant.organisation)
    assert (agency.supported_on, agency.support_batch) == (effective, "2021年第一批")

    programs.rollup_run(as_of=today)
    programs.rollup_run(as_of=effective)
    assert agencies_supported(today) == before
    assert agencies_supported(effective) == before + 1
    assert [event.action for event in application.events.all()] == [
        "drafted", "submitted", "county_opinion", "scored", "approved", "notice"]

    # The public sees the notice without logging in.
    client.logout()
    public = client.get(reverse("calls:call", args=[agency_call.pk])).content.decode()
    assert "公示" in public and applicant.organisation.name in public and "扶持示范带动直播机构" in public


def test_a_call_without_a_notice_period_takes_effect_on_approval(applicant, city_user):
    a_call = call(notice_days=0)
    application = submitted(applicant, a_call)
    services.application_decide(user=city_user, application=application, version=application.version, approve=True)
    agency = Agency.objects.get(organisation=applicant.organisation)
    assert agency.supported_on == timezone.localdate()
    assert application.events.filter(action=ApplicationEvent.Action.TOOK_EFFECT).exists()


# -- the closing date ---------------------------------------------------------------------


def test_after_the_closing_date_nothing_can_be_started_or_submitted(applicant):
    a_call = call(days_left=3)
    application = services.application_start(user=applicant, call=a_call)
    services.document_upload(user=applicant, application=application, requirement=requirement(a_call),
                             upload=licence())
    a_call.closes_on = timezone.localdate() - timedelta(days=1)
    a_call.save()
    application.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.application_submit(user=applicant, application=application, version=application.version,
                                    data={"statement": STATEMENT, "figure:sales": "1", "figure:sessions_held": "1"})
    assert error.value.code == "closed" and "已于" in error.value.messages[0]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert application.statement == STATEMENT  # what was typed is kept


def test_a_call_that_has_closed_refuses_a_new_draft(applicant):
    a_call = call(days_left=-1)
    with pytest.raises(ValidationError) as error:
        services.application_start(user=applicant, call=a_call)
    assert error.value.code == "closed"


def test_an_application_returned_for_more_material_may_be_resubmitted_after_the_closing_date(
        applicant, city_user):
    a_call = call()
    application = submitted(applicant, a_call)
    services.application_return(user=city_user, application=application, version=application.version,
                                comment="请补充销售证明。",
                                field_comments={f"document:{requirement(a_call, '销售证明').pk}": "缺少销售证明",
                                                "statement": ""})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED
    assert services.editable_items(application) == (f"document:{requirement(a_call, '销售证明').pk}",)
    a_call.closes_on = timezone.localdate() - timedelta(days=1)
    a_call.save()

    services.document_upload(user=applicant, application=application, requirement=requirement(a_call, "销售证明"),
                             upload=licence("销售证明.png", PNG))
    application.refresh_from_db()
    # The statement was not returned: a changed one is ignored.
    services.application_submit(user=applicant, application=application, version=application.version,
                                data={"statement": "改过的说明"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED and application.statement == STATEMENT
    assert application.events.last().action == ApplicationEvent.Action.RESUBMITTED


# -- documents ----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "message"), [
    ("营业执照.pdf", EXE, "只能上传 PDF 文件或图片"),
    ("营业执照.pdf", PNG, "但内容实际是 image/png"),
    ("营业执照.png", PDF, "但内容实际是 application/pdf"),
    ("营业执照.pdf", b"", "文件为空"),
])
def test_a_document_that_is_not_what_its_name_says_is_refused_with_the_reason(
        client, applicant, agency_call, name, content, message):
    application = services.application_start(user=applicant, call=agency_call)
    client.force_login(applicant)
    response = client.post(reverse("applications:edit", args=[application.pk]), {
        "version": application.version, "action": "save", "statement": STATEMENT,
        f"document:{requirement(agency_call).pk}": SimpleUploadedFile(name, content),
    })
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert not Document.objects.exists()
    application.refresh_from_db()
    assert application.statement == STATEMENT  # the rest of the form was kept


def test_a_document_over_the_size_limit_is_refused_before_it_is_stored(applicant, agency_call, settings):
    settings.APPLICATION_DOCUMENT_MAX_BYTES = 100
    application = services.application_start(user=applicant, call=agency_call)
    with pytest.raises(ValidationError, match="不能超过"):
        services.document_upload(user=applicant, application=application, requirement=requirement(agency_call),
                                 upload=licence(content=PDF + b"0" * 200))
    assert not Document.objects.exists()


def test_a_document_is_served_to_its_applicant_and_the_bureau_only(
        client, applicant, other_applicant, agency_call, city_user, changge_user, yuzhou_user):
    application = services.application_start(user=applicant, call=agency_call)
    document = services.document_upload(user=applicant, application=application,
                                        requirement=requirement(agency_call), upload=licence())
    url = reverse("applications:document", args=[application.pk, document.pk])
    for user in (applicant, city_user, changge_user):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
        assert response["X-Content-Type-Options"] == "nosniff"
    for user in (other_applicant, yuzhou_user):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the log-in page
    assert not document.file.name.startswith(("static", "media"))


# -- who may do what ----------------------------------------------------------------------


def test_another_organisations_reporter_can_neither_see_nor_touch_the_application(
        client, applicant, other_applicant, agency_call):
    application = submitted(applicant, agency_call)
    client.force_login(other_applicant)
    for name in ("applications:detail", "applications:edit"):
        assert client.get(reverse(name, args=[application.pk])).status_code == 404
    assert client.post(reverse("applications:decide", args=[application.pk]),
                       {"action": "approve", "version": application.version}).status_code == 404
    assert application.pk not in [a.pk for a in selectors.application_list(user=other_applicant)]
    with pytest.raises(NotFound):
        services.application_save_draft(user=other_applicant, application=application, data={}, version=None)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_the_county_opinion_is_given_by_the_applicants_county_only(
        client, applicant, agency_call, changge_user, yuzhou_user, city_user):
    application = submitted(applicant, agency_call)
    client.force_login(yuzhou_user)
    assert client.get(reverse("applications:detail", args=[application.pk])).status_code == 404
    assert client.post(reverse("applications:decide", args=[application.pk]),
                       {"action": "opinion", "recommended": "yes"}).status_code == 404
    with pytest.raises(NotFound):
        services.county_opinion_give(user=yuzhou_user, application=application, recommended=True)
    with pytest.raises(PermissionDenied):
        services.county_opinion_give(user=city_user, application=application, recommended=True)
    services.county_opinion_give(user=changge_user, application=application, recommended=False, comment="销售额偏低")
    assert application.county_opinion.comment == "销售额偏低"
    client.force_login(changge_user)
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "不推荐" in page and "销售额偏低" in page


def test_an_evaluator_linked_to_the_organisation_cannot_score_it(client, applicant, agency_call, city_user):
    application = submitted(applicant, agency_call)
    Conflict.objects.create(user=city_user, organisation=applicant.organisation, reason="亲属任法定代表人")
    with pytest.raises(ValidationError) as error:
        score(city_user, application, 30, 20, 20, 30)
    assert error.value.code == "conflict"
    assert not application.evaluations.exists()
    client.force_login(city_user)
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "您与该单位存在关联，不能为其申报评分。" in page and "保存评分" not in page


def test_scores_must_be_within_each_criterions_weight(applicant, agency_call, city_user):
    application = submitted(applicant, agency_call)
    with pytest.raises(ValidationError) as error:
        score(city_user, application, 31, 20, "x", 30)
    assert set(error.value.message_dict) == {f"criterion_{c.pk}" for c in list(agency_call.criteria.all())[:3:2]}
    assert "请给出 0 至 30 分" in error.value.message_dict[f"criterion_{agency_call.criteria.first().pk}"][0]


def test_the_ranking_orders_applications_by_average_score_unscored_last(
        client, city_user, second_evaluator, agency_call):
    applicants = [agency_reporter(city_user, f"agency_{n}") for n in range(3)]
    first, second, unscored = (submitted(user, agency_call) for user in applicants)
    score(city_user, first, 20, 10, 10, 20)        # 60
    score(second_evaluator, first, 30, 20, 20, 30)  # 100: average 80
    score(city_user, second, 28, 18, 18, 26)       # 90
    ranked = selectors.ranking(user=city_user, call=agency_call)
    assert [application.pk for application in ranked] == [second.pk, first.pk, unscored.pk]
    assert [application.average for application in ranked] == [Decimal(90), Decimal(80), None]
    client.force_login(city_user)
    page = client.get(reverse("applications:ranking", args=[agency_call.pk])).content.decode()
    names = [application.organisation.name for application in ranked]
    assert page.index(names[0]) < page.index(names[1]) < page.index(names[2])


def test_only_city_staff_decide_and_a_rejection_needs_a_reason(applicant, agency_call, changge_user, city_user):
    application = submitted(applicant, agency_call)
    with pytest.raises(PermissionDenied):
        services.application_decide(user=changge_user, application=application, version=application.version,
                                    approve=True)
    with pytest.raises(ValidationError, match="不予通过的原因"):
        services.application_decide(user=city_user, application=application, version=application.version,
                                    approve=False)
    services.application_decide(user=city_user, application=application, version=application.version,
                                approve=False, comment="销售额未达到申报条件。")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert not Agency.objects.get(organisation=applicant.organisation).supported_on


# -- drafts and eligibility ---------------------------------------------------------------


def test_a_draft_keeps_what_was_typed_even_when_it_is_wrong(client, applicant, agency_call):
    application = services.application_start(user=applicant, call=agency_call)
    client.force_login(applicant)
    response = edit(client, application, **{"figure:sales": "一百万"})
    page = response.content.decode()
    assert response.status_code == 200 and "一百万" in page
    application.refresh_from_db()
    assert application.draft_input["figure:sales"] == "一百万" and application.statement == STATEMENT


def test_submitting_with_a_wrong_figure_shows_the_error_and_keeps_the_draft(client, applicant, agency_call):
    application = services.application_start(user=applicant, call=agency_call)
    services.document_upload(user=applicant, application=application, requirement=requirement(agency_call),
                             upload=licence())
    application.refresh_from_db()
    client.force_login(applicant)
    response = edit(client, application, action="submit", **{"figure:sales": "一百万"})
    assert response.status_code == 200 and "一百万" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_the_figures_are_prefilled_from_the_last_twelve_months_of_approved_reports(city_user, agency_call):
    from xuchang_ecom.reporting import services as reporting
    from xuchang_ecom.reporting.models import Report, ReportStatus

    applicant = agency_reporter(city_user, "agency_reports")
    month = agency_call.opens_on.replace(day=1)
    for offset in (1, 2, 13):
        index = month.year * 12 + month.month - 1 - offset
        start = date(index // 12, index % 12 + 1, 1)
        report = reporting.report_start(user=applicant, period=period(start))
        Report.objects.filter(pk=report.pk).update(status=ReportStatus.APPROVED, sales=Decimal("1000.50"),
                                                   sessions_held=10)
    application = services.application_start(user=applicant, call=agency_call)
    assert application.figures == {"sales": "2001.00", "sessions_held": "20"}


def test_one_application_per_organisation_and_call(applicant, agency_call):
    first = services.application_start(user=applicant, call=agency_call)
    assert services.application_start(user=applicant, call=agency_call) == first
    assert Application.objects.count() == 1


def test_a_call_says_why_an_organisation_may_not_apply(city_user, applicant):
    brands = call(kind="incubated_brand", title="网红品牌申报")
    yuzhou_only = call(counties=["禹州市"], title="禹州市示范机构申报")
    problems = dict(selectors.calls_for(organisation=applicant.organisation))
    assert "没有可申报本通知" in problems[brands]
    assert "不面向长葛市的单位" in problems[yuzhou_only]
    with pytest.raises(ValidationError):
        services.application_start(user=applicant, call=brands)


def test_a_call_is_published_only_when_its_weights_add_up_to_100(client):
    draft = call(published=False, title="未发布的通知")
    draft.criteria.filter(name="孵化品牌").delete()
    with pytest.raises(ValidationError, match="合计为 70"):
        services.call_publish(call=draft)
    assert "未发布的通知" not in client.get(reverse("calls:calls")).content.decode()
    assert client.get(reverse("calls:call", args=[draft.pk])).status_code == 404


def test_the_public_list_shows_open_calls_with_their_criteria(client, agency_call):
    page = client.get(reverse("calls:calls")).content.decode()
    assert agency_call.title in page and "正在受理" in page
    detail = client.get(reverse("calls:call", args=[agency_call.pk])).content.decode()
    assert "线上销售额" in detail and "营业执照" in detail and "全市各县（市、区）" in detail


# -- telling people -----------------------------------------------------------------------


def test_the_county_is_told_when_an_application_arrives_and_the_applicant_when_it_is_returned(
        applicant, agency_call, changge_user, city_user):
    application = submitted(applicant, agency_call)
    arrived = changge_user.notifications.get()
    assert arrived.message == f"{applicant.organisation.name}提交了对“{agency_call.title}”的申报。"
    assert arrived.url == reverse("applications:detail", args=[application.pk])
    services.application_return(user=city_user, application=application, version=application.version,
                                field_comments={"statement": "请补充带贫情况。"})
    assert applicant.notifications.get().message == f"您对“{agency_call.title}”的申报已被退回补充材料。"


def test_the_applicant_is_told_of_the_decision_in_chinese_whatever_language_the_bureau_works_in(
        applicant, agency_call, city_user):
    application = submitted(applicant, agency_call)
    with translation.override("en"):
        services.application_decide(user=city_user, application=application, version=application.version,
                                    approve=False, comment="销售额未达到要求")
    told = applicant.notifications.get()
    assert told.message == f"您对“{agency_call.title}”的申报未获通过。"
    assert told.url == reverse("applications:detail", args=[application.pk])


# -- the admin ----------------------------------------------------------------------------


def test_city_staff_publish_a_call_from_the_admin_and_county_staff_cannot_write_one(
        client, city_user, changge_user):
    draft = call(published=False, title="待发布的通知")
    client.force_login(city_user)
    assert client.get(reverse("admin:applications_call_add")).status_code == 200
    response = client.post(reverse("admin:applications_call_changelist"),
                           {"action": "publish", "_selected_action": [draft.pk]}, follow=True)
    assert "已发布：待发布的通知" in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_published
    client.force_login(changge_user)
    assert client.get(reverse("admin:applications_call_add")).status_code == 403


def test_the_applicant_sees_the_decision_but_not_the_scores_or_the_county_opinion(
        client, applicant, agency_call, changge_user, city_user):
    application = submitted(applicant, agency_call)
    services.county_opinion_give(user=changge_user, application=application, recommended=False, comment="内部意见")
    score(city_user, application, 10, 10, 10, 10)
    client.force_login(applicant)
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "已提交" in page
    assert "内部意见" not in page and "总分 40" not in page and "不推荐" not in page


def test_a_form_left_open_in_another_tab_changes_nothing_and_says_why(client, applicant, agency_call):
    application = services.application_start(user=applicant, call=agency_call)
    client.force_login(applicant)
    edit(client, application, statement="第一个标签页")
    response = edit(client, application, statement="第二个标签页")  # still the old version
    assert response.status_code == 302
    assert "本次未做任何修改" in client.get(response.url).content.decode()
    application.refresh_from_db()
    assert application.statement == "第一个标签页"


def test_a_nul_character_posted_in_the_form_is_dropped_not_a_server_error(client, applicant, agency_call):
    application = services.application_start(user=applicant, call=agency_call)
    client.force_login(applicant)
    response = edit(client, application, statement="带\x00贫", **{"figure:sales": "12\x0034"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.statement == "带贫" and application.figures["sales"] == "1234.00"


# -- a draft is not an application made ---------------------------------------------------


def test_a_reporter_with_a_draft_is_not_told_they_have_applied(client, applicant, agency_call):
    application = services.application_start(user=applicant, call=agency_call)
    client.force_login(applicant)
    home = client.get(reverse("applications:home")).content.decode()
    assert "已申报" not in home
    assert "草稿，尚未提交" in home and reverse("applications:edit", args=[application.pk]) in home
    submitted_application = submitted(applicant, call(title="另一个申报通知"))
    home = client.get(reverse("applications:home")).content.decode()
    assert "已申报，见下方" in home and submitted_application.status == ApplicationStatus.SUBMITTED


# -- figures pre-filled from approved reports ---------------------------------------------


def test_a_draft_started_before_its_reports_were_approved_shows_their_sums(client, applicant, agency_call):
    application = services.application_start(user=applicant, call=agency_call)
    assert application.figures == {}
    first, second, *_rest, outside = months_before(agency_call.opens_on, 13)
    approved_report(applicant, first, sales=Decimal("1000.50"), sessions_held=10)
    approved_report(applicant, second, sales=Decimal("999.50"), sessions_held=5)
    approved_report(applicant, outside, sales=Decimal("7"), sessions_held=7)  # before the reference period
    client.force_login(applicant)
    page = client.get(reverse("applications:edit", args=[application.pk])).content.decode()
    assert 'name="figure:sales" value="2000.00"' in page
    assert 'name="figure:sessions_held" value="15"' in page
    start, end = months_before(agency_call.opens_on, 12)[-1], first
    assert f"已按本单位{start:%Y-%m}至{end:%Y-%m}已审核通过的月报合计预填" in page

    # Saving the draft keeps the pre-filled sums as the application's figures.
    edit(client, application, **{"figure:sales": "2000.00", "figure:sessions_held": "15"})
    application.refresh_from_db()
    assert application.figures == {"sales": "2000.00", "sessions_held": "15"}


def test_without_approved_reports_the_form_claims_no_pre_fill(client, applicant, agency_call):
    application = services.application_start(user=applicant, call=agency_call)
    client.force_login(applicant)
    page = client.get(reverse("applications:edit", args=[application.pk])).content.decode()
    assert "预填" not in page
    assert 'name="figure:sales" value=' not in page
    assert "本单位该期间已审核通过的月报中没有此项数据，请自行填写" in page


# -- the public notice waits for the call to close and every decision ---------------------


def close(a_call):
    a_call.closes_on = timezone.localdate() - timedelta(days=1)
    a_call.save()


def test_the_notice_cannot_be_published_while_the_call_is_open(applicant, agency_call, city_user):
    application = submitted(applicant, agency_call)
    services.application_decide(user=city_user, application=application, version=application.version,
                                approve=True)
    with pytest.raises(ValidationError) as error:
        services.notice_publish(user=city_user, call=agency_call)
    assert error.value.code == "open" and "截止后才能发布公示" in error.value.messages[0]
    assert not Notice.objects.exists()
    close(agency_call)
    assert services.notice_publish(user=city_user, call=agency_call).entries[0]["name"] == \
        applicant.organisation.name


def test_the_notice_waits_for_every_application_to_be_decided(applicant, other_applicant, agency_call, city_user):
    decided = submitted(applicant, agency_call)
    services.application_decide(user=city_user, application=decided, version=decided.version, approve=True)
    waiting = submitted(other_applicant, agency_call)
    services.application_return(user=city_user, application=waiting, version=waiting.version,
                                field_comments={"statement": "请补充带贫人数。"})
    third = agency_reporter(city_user, "agency_draft")
    services.application_start(user=third, call=agency_call)  # a draft never submitted holds nothing up
    close(agency_call)
    with pytest.raises(ValidationError) as error:
        services.notice_publish(user=city_user, call=agency_call)
    assert error.value.code == "undecided" and "还有1份申报尚未决定" in error.value.messages[0]
    waiting.refresh_from_db()
    waiting = services.application_submit(user=other_applicant, application=waiting, version=waiting.version,
                                          data={"statement": STATEMENT + "带贫12人。"})
    services.application_decide(user=city_user, application=waiting, version=waiting.version, approve=False,
                                comment="带动效果不足。")
    notice = services.notice_publish(user=city_user, call=agency_call)
    assert [entry["name"] for entry in notice.entries] == [applicant.organisation.name]


def test_a_posted_publication_of_an_open_calls_notice_is_refused_with_a_reason(client, applicant, agency_call,
                                                                              city_user):
    application = submitted(applicant, agency_call)
    services.application_decide(user=city_user, application=application, version=application.version,
                                approve=True)
    client.force_login(city_user)
    ranking = client.get(reverse("applications:ranking", args=[agency_call.pk])).content.decode()
    assert "截止后才能发布公示" in ranking
    assert reverse("applications:publish-notice", args=[agency_call.pk]) not in ranking  # no form to post
    response = client.post(reverse("applications:publish-notice", args=[agency_call.pk]), follow=True)
    assert not Notice.objects.exists()
    assert "截止后才能发布公示" in response.content.decode()


def test_the_score_and_return_forms_put_no_latin_colon_after_their_labels(client, applicant, agency_call, city_user):
    application = submitted(applicant, agency_call)
    client.force_login(city_user)
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "线上销售额（0–30）</label>" in page and "申报说明</label>" in page
    assert ":</label>" not in page
