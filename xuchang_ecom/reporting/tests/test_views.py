"""The reporter's pages and the review queue, tried by each role."""
import re
from datetime import date

import pytest
from django.urls import reverse

from xuchang_ecom.reporting import services
from xuchang_ecom.reporting.models import Report, ReportStatus

from .factories import POVERTY_FIGURES, period

pytestmark = pytest.mark.django_db
MAY = date(2021, 5, 1)


@pytest.fixture
def draft(reporter_a):
    return services.report_start(user=reporter_a, period=period(MAY))


def post_form(client, report, action="save", **figures):
    data = {**POVERTY_FIGURES, **figures, "version": report.version, "action": action}
    return client.post(reverse("reporting:edit", args=[report.pk]), data)


def test_the_reporter_home_lists_open_periods_to_start(client, reporter_a):
    period(MAY)
    client.force_login(reporter_a)
    html = client.get(reverse("reporting:home")).content.decode()
    assert "2021-05" in html and "开始填报" in html


def test_a_reporter_starts_a_report_and_lands_on_its_form(client, reporter_a):
    may = period(MAY)
    client.force_login(reporter_a)
    response = client.post(reverse("reporting:start", args=[may.pk]))
    report = Report.objects.get()
    assert response.url == reverse("reporting:edit", args=[report.pk])
    assert "网络销售额（元）" in client.get(response.url).content.decode()


def test_a_draft_with_errors_comes_back_with_everything_typed_and_each_error_beside_its_box(
        client, reporter_a, draft):
    client.force_login(reporter_a)
    response = post_form(client, draft, orders="1.5", wages_paid="-20")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="1.5"' in html and 'value="-20"' in html and 'value="120000.50"' in html
    assert html.count('class="error" role="alert"') == 2
    draft.refresh_from_db()
    assert draft.draft_input["orders"] == "1.5"


def test_submitting_with_a_wrong_figure_shows_the_error_beside_its_box_and_keeps_the_draft(client, reporter_a, draft):
    client.force_login(reporter_a)
    response = post_form(client, draft, action="submit", orders="1.5")
    assert response.status_code == 200
    assert response.content.decode().count('class="error" role="alert"') == 1
    draft.refresh_from_db()
    assert draft.status == ReportStatus.DRAFT and draft.draft_input["orders"] == "1.5"


def test_submitting_a_complete_report_shows_it_submitted(client, reporter_a, draft):
    client.force_login(reporter_a)
    response = post_form(client, draft, action="submit")
    assert response.url == reverse("reporting:detail", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == ReportStatus.SUBMITTED


def test_a_second_tab_submitting_the_same_form_gets_a_message_not_an_error_page(client, reporter_a, draft):
    client.force_login(reporter_a)
    post_form(client, draft, action="submit")
    response = post_form(client, draft, action="submit", sales="1")
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "本次未做任何修改" in page
    draft.refresh_from_db()
    assert draft.sales == 120000.5


@pytest.mark.parametrize("name", ["reporting:detail", "reporting:edit"])
def test_another_organisations_reporter_gets_404_on_every_report_url(client, reporter_b, draft, name):
    client.force_login(reporter_b)
    assert client.get(reverse(name, args=[draft.pk])).status_code == 404
    assert client.post(reverse(name, args=[draft.pk]), {**POVERTY_FIGURES, "version": draft.version}).status_code \
        in (404, 405)
    draft.refresh_from_db()
    assert draft.sales is None


@pytest.mark.parametrize("name", ["reporting:review", "reporting:detail", "reporting:decide"])
def test_a_county_user_of_another_county_gets_404(client, yuzhou_user, reporter_a, draft, name):
    report = services.report_submit(user=reporter_a, report=draft, data=POVERTY_FIGURES, version=draft.version)
    client.force_login(yuzhou_user)
    response = (client.post(reverse(name, args=[report.pk]), {"action": "approve", "version": report.version})
                if name == "reporting:decide" else client.get(reverse(name, args=[report.pk])))
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_reporters_never_reach_the_admin_or_the_review_queue(client, reporter_a):
    client.force_login(reporter_a)
    assert client.get(reverse("admin:index")).status_code == 302
    assert client.get(reverse("reporting:queue")).status_code == 404


def test_a_reviewer_returns_one_figure_and_the_reporter_can_change_only_that_one(
        client, changge_user, reporter_a, draft):
    report = services.report_submit(user=reporter_a, report=draft, data=POVERTY_FIGURES, version=draft.version)
    client.force_login(changge_user)
    assert "工资" in client.get(reverse("reporting:review", args=[report.pk])).content.decode()
    client.post(reverse("reporting:decide", args=[report.pk]),
                {"action": "return", "version": report.version, "comment": "请核对",
                 "field_wages_paid": "工资与人数不符"})
    client.force_login(reporter_a)
    assert "工资与人数不符" in client.get(reverse("reporting:home")).content.decode()
    html = client.get(reverse("reporting:edit", args=[report.pk])).content.decode()
    assert "工资与人数不符" in html
    assert 'name="wages_paid" value="24000"' in html and 'name="sales" value="120000.5"' in html
    assert html.count("disabled") == len(POVERTY_FIGURES) - 1


def test_an_outlier_needs_the_box_ticked_before_the_report_goes(client, changge_user, reporter_a):
    for month in (1, 2, 3):
        report = services.report_start(user=reporter_a, period=period(date(2021, month, 1)))
        report = services.report_submit(user=reporter_a, report=report, data=POVERTY_FIGURES, version=report.version)
        services.report_approve(user=changge_user, report=report, version=report.version)
    report = services.report_start(user=reporter_a, period=period(MAY))
    client.force_login(reporter_a)
    response = post_form(client, report, action="submit", sales="99999999")
    assert "与贵单位以往月份相差很大" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    response = client.post(reverse("reporting:edit", args=[report.pk]),
                           {**POVERTY_FIGURES, "sales": "99999999", "version": report.version, "action": "submit",
                            "confirm": "yes"})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.flagged_fields == ["sales"]


def test_city_staff_unlock_an_approved_report_with_a_reason(client, city_user, changge_user, reporter_a, draft):
    report = services.report_submit(user=reporter_a, report=draft, data=POVERTY_FIGURES, version=draft.version)
    report = services.report_approve(user=changge_user, report=report, version=report.version)
    client.force_login(changge_user)
    client.post(reverse("reporting:decide", args=[report.pk]), {"action": "unlock", "reason": "更正"})
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    client.force_login(city_user)
    client.post(reverse("reporting:decide", args=[report.pk]), {"action": "unlock", "reason": "企业申请更正"})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED


def test_an_unlocked_report_shows_the_reporter_why_it_came_back(client, city_user, changge_user, reporter_a, draft):
    report = services.report_submit(user=reporter_a, report=draft, data=POVERTY_FIGURES, version=draft.version)
    report = services.report_approve(user=changge_user, report=report, version=report.version)
    services.report_unlock(user=city_user, report=report, reason="企业申请更正销售额")
    client.force_login(reporter_a)
    assert "企业申请更正销售额" in client.get(reverse("reporting:edit", args=[report.pk])).content.decode()


def test_a_nul_character_posted_in_a_figure_is_dropped_not_a_server_error(client, reporter_a, draft):
    client.force_login(reporter_a)
    response = post_form(client, draft, sales="12\x0034")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.sales == 1234 and "\x00" not in str(draft.draft_input)


def _home_rows(html: str) -> list[str]:
    """The periods listed on the reporter's home, in order, one entry per listing."""
    return re.findall(r'data-period="([0-9-]+)"', html)


def test_the_reporter_home_lists_each_period_once_with_its_state_and_a_link(client, changge_user, reporter_a):
    april = services.report_start(user=reporter_a, period=period(date(2021, 4, 1)))
    april = services.report_submit(user=reporter_a, report=april, data=POVERTY_FIGURES, version=april.version)
    services.period_set_open(period=april.period, is_open=False)  # under review, its period closed
    may = services.report_start(user=reporter_a, period=period(MAY))
    may = services.report_submit(user=reporter_a, report=may, data=POVERTY_FIGURES, version=may.version)
    services.report_return(user=changge_user, report=may, version=may.version,
                           field_comments={"wages_paid": "工资与人数不符"})
    march = services.report_start(user=reporter_a, period=period(date(2021, 3, 1)))
    march = services.report_submit(user=reporter_a, report=march, data=POVERTY_FIGURES, version=march.version)
    services.report_approve(user=changge_user, report=march, version=march.version)
    services.period_set_open(period=march.period, is_open=False)
    period(date(2021, 6, 1))  # open, nothing started
    client.force_login(reporter_a)
    html = client.get(reverse("reporting:home")).content.decode()
    assert _home_rows(html) == ["2021-06", "2021-05", "2021-04", "2021-03"]
    assert "未开始" in html and "开始填报" in html
    assert "已提交，审核中" in html and reverse("reporting:detail", args=[april.pk]) in html
    assert "已退回，待修改" in html and "支付其工资（元）：工资与人数不符" in html
    assert reverse("reporting:edit", args=[may.pk]) in html
    assert "已通过" in html and reverse("reporting:detail", args=[march.pk]) in html


def test_submitting_the_same_form_again_says_it_was_already_submitted_not_that_it_changed(
        client, reporter_a, draft):
    client.force_login(reporter_a)
    post_form(client, draft, action="submit")
    response = post_form(client, draft, action="submit")  # the second click of a double click
    assert response.url == reverse("reporting:detail", args=[draft.pk])
    page = client.get(response.url).content.decode()
    assert "此报表已提交，正在审核中，无需重复提交" in page and "本次未做任何修改" not in page
    assert draft.events.filter(action="submitted").count() == 1


def test_the_review_form_labels_carry_no_ascii_colon(client, changge_user, reporter_a, draft):
    report = services.report_submit(user=reporter_a, report=draft, data=POVERTY_FIGURES, version=draft.version)
    client.force_login(changge_user)
    html = client.get(reverse("reporting:review", args=[report.pk])).content.decode()
    labels = re.findall(r"<label[^>]*>(.*?)</label>", html, re.S)
    assert "意见" in labels and "网络销售额（元）" in labels
    assert not [label for label in labels if ":" in label]


def test_a_returned_reports_comment_follows_its_heading_with_a_chinese_colon(client, changge_user, reporter_a,
                                                                            draft):
    report = services.report_submit(user=reporter_a, report=draft, data=POVERTY_FIGURES, version=draft.version)
    services.report_return(user=changge_user, report=report, version=report.version, comment="请核对",
                           field_comments={"sales": "销售额偏低"})
    client.force_login(reporter_a)
    html = client.get(reverse("reporting:edit", args=[report.pk])).content.decode()
    assert "</strong>：请核对" in html


def test_a_county_officer_approves_the_ticked_reports_and_is_told_which_were_skipped_and_why(
        client, changge_user, reporter_a, reporter_b, city_user):
    from .factories import enterprise_reporter

    def submitted(reporter):
        report = services.report_start(user=reporter, period=period(MAY))
        return services.report_submit(user=reporter, report=report, data=POVERTY_FIGURES, version=report.version)

    mine, changed = submitted(reporter_a), submitted(enterprise_reporter(city_user, "reporter_changge2"))
    other_county = submitted(reporter_b)
    client.force_login(changge_user)
    page = client.get(reverse("reporting:queue")).content.decode()
    assert "批量通过" in page and f'id="select-{mine.pk}"' in page and f'id="select-{other_county.pk}"' not in page
    services.report_return(user=changge_user, report=changed, version=changed.version,
                           field_comments={"sales": "请核对"})  # meanwhile, in another tab
    response = client.post(reverse("reporting:approve-selected"), {
        "report": [mine.pk, changed.pk, other_county.pk],  # the last one is a hostile POST
        f"version_{mine.pk}": mine.version, f"version_{changed.pk}": changed.version,
        f"version_{other_county.pk}": other_county.version,
    }, follow=True)
    html = response.content.decode()
    assert "已通过 1 份报表。" in html
    assert "2 份报表未通过" in html and "您打开页面后报表已有变化" in html and "未找到" in html
    assert other_county.organisation.name not in html
    statuses = {report.pk: report.status for report in Report.objects.all()}
    assert statuses == {mine.pk: ReportStatus.APPROVED, changed.pk: ReportStatus.RETURNED,
                        other_county.pk: ReportStatus.SUBMITTED}


def test_reporters_cannot_approve_in_bulk(client, reporter_a, draft):
    report = services.report_submit(user=reporter_a, report=draft, data=POVERTY_FIGURES, version=draft.version)
    client.force_login(reporter_a)
    response = client.post(reverse("reporting:approve-selected"),
                           {"report": [report.pk], f"version_{report.pk}": report.version})
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
