"""Reminders go once per report and stage; reviewers and reporters are told what happened."""
from datetime import date
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from xuchang_ecom.accounts.tests.factories import county_staff
from xuchang_ecom.reporting import notify, services, tasks
from xuchang_ecom.reporting.models import Notification, Reminder, ReminderStage

from .factories import POVERTY_FIGURES, enterprise_reporter, period

pytestmark = pytest.mark.django_db
MAY = date(2021, 5, 1)  # due 2021-05-10


@pytest.fixture
def reporter_a(city_user):
    reporter = enterprise_reporter(city_user, "reporter_changge")
    reporter.email = "reporter@example.org"
    reporter.save()
    return reporter


def test_a_reminder_before_the_due_date_is_sent_once_even_if_the_task_runs_twice(reporter_a):
    period(MAY)
    assert notify.reminders_send(today=date(2021, 5, 8)) == 1
    assert notify.reminders_send(today=date(2021, 5, 8)) == 0
    assert notify.reminders_send(today=date(2021, 5, 9)) == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["reporter@example.org"]
    assert "2021-05-10" in mail.outbox[0].subject
    assert Reminder.objects.get().stage == ReminderStage.DUE_SOON


def test_an_overdue_report_gets_one_more_reminder(reporter_a):
    period(MAY)
    notify.reminders_send(today=date(2021, 5, 8))
    notify.reminders_send(today=date(2021, 5, 11))
    notify.reminders_send(today=date(2021, 5, 12))
    assert [r.stage for r in Reminder.objects.order_by("sent_at")] == [ReminderStage.DUE_SOON, ReminderStage.OVERDUE]
    assert len(mail.outbox) == 2 and "逾期" in mail.outbox[1].subject


def test_no_reminder_for_a_submitted_report_or_too_early(reporter_a):
    may = period(MAY)
    assert notify.reminders_send(today=date(2021, 5, 2)) == 0  # more than three days ahead
    report = services.report_start(user=reporter_a, period=may)
    services.report_submit(user=reporter_a, report=report, data=POVERTY_FIGURES, version=report.version)
    assert notify.reminders_send(today=date(2021, 5, 9)) == 0


def test_a_reminder_that_could_not_be_sent_is_tried_again_next_run(reporter_a):
    period(MAY)
    with mock.patch("xuchang_ecom.reporting.notify.send_mail", side_effect=OSError("SMTP down")):
        assert notify.reminders_send(today=date(2021, 5, 8)) == 0
    assert not Reminder.objects.exists()
    assert notify.reminders_send(today=date(2021, 5, 8)) == 1


def test_the_reminder_task_runs_the_days_reminders(reporter_a):
    period(MAY)
    with mock.patch("django.utils.timezone.localdate", return_value=date(2021, 5, 8)):
        assert tasks.send_reminders.apply().get() == 1


def test_county_reviewers_are_told_when_a_report_arrives(reporter_a, django_capture_on_commit_callbacks):
    reviewer = county_staff("changge_reviewer")
    reviewer.email = "reviewer@example.org"
    reviewer.save()
    report = services.report_start(user=reporter_a, period=period(MAY))
    with django_capture_on_commit_callbacks(execute=True):
        services.report_submit(user=reporter_a, report=report, data=POVERTY_FIGURES, version=report.version)
    notification = Notification.objects.get(user=reviewer)
    assert "提交了 2021-05 的报表" in notification.message
    assert notification.url == reverse("reporting:review", args=[report.pk])
    assert mail.outbox[-1].to == ["reviewer@example.org"]


def test_the_reporter_is_told_when_their_report_is_returned_and_sees_it_on_the_page(
        client, reporter_a, changge_user, django_capture_on_commit_callbacks):
    report = services.report_start(user=reporter_a, period=period(MAY))
    report = services.report_submit(user=reporter_a, report=report, data=POVERTY_FIGURES, version=report.version)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_return(user=changge_user, report=report, version=report.version,
                               field_comments={"sales": "请核对"})
    assert mail.outbox[-1].to == ["reporter@example.org"]
    client.force_login(reporter_a)
    assert '<span class="badge">1</span>' in client.get(reverse("reporting:home")).content.decode()
    page = client.get(reverse("reporting:notifications")).content.decode()
    assert "被退回" in page
    assert Notification.objects.get(user=reporter_a).read_at is not None


def test_the_reporter_is_told_when_their_report_is_approved(
        client, reporter_a, changge_user, django_capture_on_commit_callbacks):
    report = services.report_start(user=reporter_a, period=period(MAY))
    report = services.report_submit(user=reporter_a, report=report, data=POVERTY_FIGURES, version=report.version)
    client.force_login(changge_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reporting:decide", args=[report.pk]), {"action": "approve", "version": report.version})
    notification = Notification.objects.get(user=reporter_a)
    assert notification.message == "您 2021-05 的报表已审核通过。"
    assert notification.url == reverse("reporting:detail", args=[report.pk])
    assert mail.outbox[-1].to == ["reporter@example.org"] and "审核通过" in mail.outbox[-1].subject
    client.force_login(reporter_a)
    assert "审核通过" in client.get(reverse("reporting:notifications")).content.decode()


def test_remind_all_late_reminds_each_late_organisation_of_the_users_county_once(
        client, reporter_a, changge_user, city_user):
    may = period(MAY)
    yuzhou = enterprise_reporter(city_user, "reporter_yuzhou", county="禹州市")
    yuzhou.email = "yuzhou@example.org"
    yuzhou.save()
    on_time = enterprise_reporter(city_user, "reporter_done")
    report = services.report_start(user=on_time, period=may)
    services.report_submit(user=on_time, report=report, data=POVERTY_FIGURES, version=report.version)
    client.force_login(changge_user)
    url = reverse("reporting:remind-late", args=[may.pk])
    with mock.patch("django.utils.timezone.localdate", return_value=date(2021, 5, 12)):
        page = client.get(reverse("reporting:completeness", args=[may.pk])).content.decode()
        assert "一键催报" in page
        first = client.post(url, follow=True).content.decode()
        second = client.post(url, follow=True).content.decode()
        assert notify.reminders_send(today=date(2021, 5, 12)) == 1  # the task then reminds 禹州市 only
    assert "已向 1 家单位发送催报" in first
    assert "未发送催报" in second
    assert [message.to for message in mail.outbox] == [["reporter@example.org"], ["yuzhou@example.org"]]
    assert "逾期" in mail.outbox[0].subject
    assert Reminder.objects.get(organisation=reporter_a.organisation).stage == ReminderStage.OVERDUE


def test_no_remind_all_late_before_the_due_date_nor_for_a_reporter(client, reporter_a, changge_user):
    may = period(MAY)
    client.force_login(changge_user)
    with mock.patch("django.utils.timezone.localdate", return_value=date(2021, 5, 8)):
        assert "一键催报" not in client.get(reverse("reporting:completeness", args=[may.pk])).content.decode()
        client.post(reverse("reporting:remind-late", args=[may.pk]))
    client.force_login(reporter_a)
    with mock.patch("django.utils.timezone.localdate", return_value=date(2021, 5, 12)):
        assert client.post(reverse("reporting:remind-late", args=[may.pk])).status_code == 404
    assert not Reminder.objects.exists() and not mail.outbox
