"""A report's life: draft → submitted → returned (one figure) → resubmitted → approved."""
import time
from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from tests.helpers import run_at_once
from xuchang_ecom.common.errors import NotFound
from xuchang_ecom.reporting import services
from xuchang_ecom.reporting.models import Report, ReportEvent, ReportStatus

from .factories import POVERTY_FIGURES, enterprise_reporter, period

pytestmark = pytest.mark.django_db
MAY = date(2021, 5, 1)


@pytest.fixture
def may():
    return period(MAY)


def submitted(reporter, month=MAY, **figures):
    report = services.report_start(user=reporter, period=period(month))
    return services.report_submit(user=reporter, report=report, data={**POVERTY_FIGURES, **figures},
                                  version=report.version)


def test_a_report_walks_from_draft_to_approval_with_one_figure_returned(reporter_a, changge_user, may):
    report = services.report_start(user=reporter_a, period=may)
    assert report.status == ReportStatus.DRAFT
    assert set(services.editable_fields(report)) == set(POVERTY_FIGURES)

    report = services.report_submit(user=reporter_a, report=report, data=POVERTY_FIGURES, version=report.version)
    assert report.status == ReportStatus.SUBMITTED and services.editable_fields(report) == ()

    report = services.report_return(user=changge_user, report=report, version=report.version,
                                    comment="请核对", field_comments={"wages_paid": "工资与人数不符"})
    assert report.status == ReportStatus.RETURNED
    assert services.editable_fields(report) == ("wages_paid",)

    # On resubmission only the returned figure changes, whatever else the form sends.
    report = services.report_submit(user=reporter_a, report=report, version=report.version,
                                    data={"wages_paid": "36000", "sales": "999999"})
    assert report.status == ReportStatus.SUBMITTED
    assert (report.wages_paid, report.sales) == (Decimal(36000), Decimal("120000.50"))

    report = services.report_approve(user=changge_user, report=report, version=report.version)
    assert report.status == ReportStatus.APPROVED and services.editable_fields(report) == ()

    history = list(report.events.values_list("action", "user__username", "comment", "field_comments"))
    assert history == [
        (ReportEvent.Action.DRAFTED, "reporter_changge", "", {}),
        (ReportEvent.Action.SUBMITTED, "reporter_changge", "", {}),
        (ReportEvent.Action.RETURNED, "changge", "请核对", {"wages_paid": "工资与人数不符"}),
        (ReportEvent.Action.RESUBMITTED, "reporter_changge", "", {}),
        (ReportEvent.Action.APPROVED, "changge", "", {}),
    ]


def test_a_draft_with_a_bad_figure_keeps_everything_typed_and_names_the_error(reporter_a, may):
    report = services.report_start(user=reporter_a, period=may)
    typed = {"sales": "12,000.5", "orders": "1.5", "wages_paid": "-3", "rent_paid": "abc"}
    report, errors = services.report_save_draft(user=reporter_a, report=report, data=typed, version=report.version)
    assert report.sales == Decimal("12000.5")
    assert set(errors) == {"orders", "wages_paid", "rent_paid"}
    report.refresh_from_db()
    assert report.draft_input == typed


def test_submitting_with_an_error_refuses_but_keeps_the_input(reporter_a, may):
    report = services.report_start(user=reporter_a, period=may)
    with pytest.raises(ValidationError) as error:
        services.report_submit(user=reporter_a, report=report, data={**POVERTY_FIGURES, "orders": "三百"},
                               version=report.version)
    assert "orders" in error.value.message_dict
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert report.draft_input["orders"] == "三百" and report.sales == Decimal("120000.50")


def test_a_missing_figure_must_be_filled_even_if_zero(reporter_a, may):
    report = services.report_start(user=reporter_a, period=may)
    data = {**POVERTY_FIGURES, "dividends_paid": ""}
    with pytest.raises(ValidationError) as error:
        services.report_submit(user=reporter_a, report=report, data=data, version=report.version)
    assert error.value.message_dict["dividends_paid"] == [_("Fill in this figure (0 if there was none).")]


def test_two_tabs_starting_the_same_report_get_one(reporter_a, may):
    first = services.report_start(user=reporter_a, period=may)
    second = services.report_start(user=reporter_a, period=may)
    assert first.pk == second.pk and Report.objects.count() == 1


def test_a_second_submit_from_a_stale_tab_changes_nothing_and_says_why(reporter_a, may):
    report = services.report_start(user=reporter_a, period=may)
    version = report.version
    services.report_submit(user=reporter_a, report=report, data=POVERTY_FIGURES, version=version)
    with pytest.raises(ValidationError) as error:
        services.report_submit(user=reporter_a, report=report, data={**POVERTY_FIGURES, "sales": "1"},
                               version=version)
    assert error.value.code == "stale"
    report.refresh_from_db()
    assert report.sales == Decimal("120000.50")
    assert report.events.filter(action=ReportEvent.Action.SUBMITTED).count() == 1


def test_a_form_left_open_during_the_approval_changes_nothing(reporter_a, changge_user, may):
    report = submitted(reporter_a)
    services.report_approve(user=changge_user, report=report, version=report.version)
    with pytest.raises(ValidationError) as error:
        services.report_save_draft(user=reporter_a, report=report, data={"sales": "1"}, version=report.version + 1)
    assert error.value.code == "stale"


def test_a_period_moved_to_fall_due_before_it_opens_is_refused_and_keeps_its_dates():
    may = period(date(2021, 5, 1))
    with pytest.raises(ValidationError) as error:
        services.period_update(period=may, opens_on=date(2021, 5, 12), due_on=date(2021, 5, 10), is_open=False)
    assert error.value.message_dict == {"due_on": ["填报期的截止日期不能早于开放日期。"]}
    may.refresh_from_db()
    assert (may.opens_on, may.due_on, may.is_open) == (date(2021, 5, 1), date(2021, 5, 10), True)


def test_a_period_can_be_closed_and_given_more_time_at_once():
    may = services.period_update(period=period(date(2021, 5, 1)), opens_on=date(2021, 5, 1),
                                 due_on=date(2021, 5, 20), is_open=False)
    may.refresh_from_db()
    assert (may.due_on, may.is_open) == (date(2021, 5, 20), False)


def test_a_closed_period_takes_no_new_report_and_no_draft(reporter_a):
    closed = period(date(2021, 4, 1), is_open=False)
    with pytest.raises(ValidationError) as error:
        services.report_start(user=reporter_a, period=closed)
    assert error.value.code == "closed"


def test_another_organisations_reporter_cannot_touch_the_report(reporter_a, reporter_b, may):
    report = services.report_start(user=reporter_a, period=may)
    with pytest.raises(NotFound):
        services.report_save_draft(user=reporter_b, report=report, data={"sales": "1"}, version=report.version)


def test_a_county_reviewer_of_another_county_cannot_review(reporter_a, yuzhou_user, may):
    report = submitted(reporter_a)
    with pytest.raises(NotFound):
        services.report_approve(user=yuzhou_user, report=report, version=report.version)


def test_a_reporter_cannot_approve_their_own_report(reporter_a, may):
    report = submitted(reporter_a)
    with pytest.raises(PermissionDenied):
        services.report_approve(user=reporter_a, report=report, version=report.version)


def test_a_return_must_name_at_least_one_figure(reporter_a, changge_user, may):
    report = submitted(reporter_a)
    with pytest.raises(ValidationError) as error:
        services.report_return(user=changge_user, report=report, version=report.version, comment="不对")
    assert error.value.code == "no_fields"


def test_unlocking_needs_a_reason_and_city_permission(reporter_a, changge_user, city_user, may):
    report = submitted(reporter_a)
    report = services.report_approve(user=changge_user, report=report, version=report.version)
    with pytest.raises(PermissionDenied):
        services.report_unlock(user=changge_user, report=report, reason="数据有误")
    with pytest.raises(ValidationError):
        services.report_unlock(user=city_user, report=report, reason=" ")
    report = services.report_unlock(user=city_user, report=report, reason="企业申请更正")
    assert report.status == ReportStatus.RETURNED
    assert set(services.editable_fields(report)) == set(POVERTY_FIGURES)
    assert report.events.last().comment == "企业申请更正"


def test_a_figure_ten_times_the_usual_month_needs_confirmation_and_is_flagged(reporter_a, changge_user):
    for month in (1, 2, 3):
        report = submitted(reporter_a, date(2021, month, 1))
        services.report_approve(user=changge_user, report=report, version=report.version)
    report = services.report_start(user=reporter_a, period=period(MAY))
    data = {**POVERTY_FIGURES, "sales": "12000000"}
    with pytest.raises(ValidationError) as error:
        services.report_submit(user=reporter_a, report=report, data=data, version=report.version)
    assert error.value.code == "outliers" and error.value.params["fields"] == ["sales"]
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    report = services.report_submit(user=reporter_a, report=report, data=data, version=report.version,
                                    confirm_outliers=True)
    assert report.status == ReportStatus.SUBMITTED and report.flagged_fields == ["sales"]


def test_only_an_approved_figure_reaches_the_metric_and_an_unlock_takes_it_back(reporter_a, changge_user, city_user):
    from xuchang_ecom.accounts.tests.factories import region
    from xuchang_ecom.common.metrics import get_metric

    sales = get_metric("reporting.sales")
    report = submitted(reporter_a)
    assert sales.city_total(date(2021, 5, 31)) == 0
    report = services.report_approve(user=changge_user, report=report, version=report.version)
    assert sales.city_total(date(2021, 5, 30)) == 0  # May is not over yet
    assert sales.city_total(date(2021, 5, 31)) == Decimal("120000.50")
    assert sales.by_county(date(2021, 12, 31)) == {region("长葛市").pk: Decimal("120000.50")}
    assert sales.city_total(date(2022, 1, 31)) == 0  # a new year starts from nothing
    services.report_unlock(user=city_user, report=report, reason="更正")
    assert sales.city_total(date(2021, 5, 31)) == 0


def test_an_approval_asks_for_a_roll_up(reporter_a, changge_user):
    report = submitted(reporter_a)
    with mock.patch("programs.triggers.rollup_soon") as rollup_soon:
        services.report_approve(user=changge_user, report=report, version=report.version)
    rollup_soon.assert_called_once_with()


def test_a_returned_report_is_corrected_even_after_its_period_closed(reporter_a, changge_user, may):
    report = submitted(reporter_a)
    report = services.report_return(user=changge_user, report=report, version=report.version,
                                    field_comments={"sales": "请核对"})
    services.period_set_open(period=may, is_open=False)
    report = services.report_submit(user=reporter_a, report=report, data={"sales": "1000"}, version=report.version)
    assert report.status == ReportStatus.SUBMITTED


def test_a_draft_in_a_period_closed_meanwhile_is_refused_with_a_message(reporter_a, may):
    report = services.report_start(user=reporter_a, period=may)
    services.period_set_open(period=may, is_open=False)
    with pytest.raises(ValidationError) as error:
        services.report_save_draft(user=reporter_a, report=report, data={"sales": "1"}, version=report.version)
    assert error.value.messages == [_("The period %(period)s is closed.") % {"period": "2021-05"}]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_tabs_starting_the_report_at_the_same_moment_get_one_report(require_postgres, city_user):
    reporter = enterprise_reporter(city_user, "reporter_race")
    may = period(MAY)
    reports = run_at_once(lambda: services.report_start(user=reporter, period=may).pk)
    assert len(set(reports)) == 1 and Report.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_double_click_waits_for_the_first_and_finds_the_report_already_submitted(require_postgres, city_user):
    reporter = enterprise_reporter(city_user, "reporter_double")
    report = services.report_start(user=reporter, period=period(MAY))
    real_outliers = services.outliers

    def slow_outliers(report):
        time.sleep(0.3)  # the first click is between keeping the figures and submitting them
        return real_outliers(report)

    def click():
        try:
            services.report_submit(user=reporter, report=report, data=POVERTY_FIGURES, version=report.version)
        except ValidationError:
            current = Report.objects.get(pk=report.pk)
            return "already submitted" if services.report_submitted_with(report=current, data=POVERTY_FIGURES) \
                else f"refused while {current.status}"
        return "submitted"

    with mock.patch.object(services, "outliers", slow_outliers):
        results = run_at_once(click)
    assert sorted(results) == ["already submitted", "submitted"]
    assert ReportEvent.objects.filter(report=report, action=ReportEvent.Action.SUBMITTED).count() == 1
