"""Hostile input through every form enterprises and staff fill in: the monthly report,
the application, and the reviewers' decisions on both. Whatever is typed (formula-like
text, NUL, markup, 100,000 characters, numbers no column can hold), the answer is the
page with a message or the value kept as given, never a server error. Run on PostgreSQL
(as CI does), which keeps no NUL in text and no number beyond its column's digits."""
from datetime import date

import pytest
from django.urls import reverse

from xuchang_ecom.accounts.models import User
from xuchang_ecom.applications import services as applications
from xuchang_ecom.applications.models import Application, ApplicationEvent, CountyOpinion, Evaluation
from xuchang_ecom.applications.tests.factories import PDF, agency_reporter, call
from xuchang_ecom.reporting import services as reporting
from xuchang_ecom.reporting.tests.factories import POVERTY_FIGURES, enterprise_reporter, period

pytestmark = pytest.mark.django_db

# Text as people paste it, and as attackers type it.
TEXT = {
    "formula =": '=HYPERLINK("http://example.org","点此")',
    "formula +": "+1+1",
    "formula -": "-2+3",
    "formula @": "@SUM(A1)",
    "leading tab": "\t=1+1",
    "leading carriage return": "\r=1+1",
    "markup": "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "SQL": "'; DROP TABLE reporting_report; --",
    "right-to-left override": "发票\u202efdp.exe",
    "zero-width and emoji": "带\u200b贫😀",
    "100,000 characters": "长" * 100_000,
    "NUL": "带\x00贫",
}
# What must be kept: the text without NUL (no column keeps it) and, as in every form,
# without surrounding white space.
KEPT = {name: value.replace("\x00", "").strip() for name, value in TEXT.items()}

NUMBERS = {
    "40 digits": "9" * 40,
    "exponent": "1e308",
    "NaN": "NaN",
    "infinity": "Infinity",
    "negative zero": "-0",
    "full-width digits": "１２３４",
    "thousands separators": "1,234.50",
    "formula": "=1+1",
    "NUL": "12\x0034",
    "text": "一千二百",
    "very long": "1" * 100_000,
}


@pytest.fixture
def draft(city_user):
    reporter = enterprise_reporter(city_user, "hostile_reporter")
    return reporter, reporting.report_start(user=reporter, period=period(date(2021, 5, 1)))


@pytest.fixture
def submitted_report(draft):
    reporter, report = draft
    return reporting.report_submit(user=reporter, report=report, data=POVERTY_FIGURES, version=report.version)


@pytest.fixture
def application(city_user, admin_uploads_in_tmp):
    from django.core.files.uploadedfile import SimpleUploadedFile

    applicant = agency_reporter(city_user, "hostile_applicant")
    a_call = call()
    started = applications.application_start(user=applicant, call=a_call)
    applications.document_upload(user=applicant, application=started,
                                  requirement=a_call.documents.get(name="营业执照"),
                                  upload=SimpleUploadedFile("营业执照.pdf", PDF))
    started.refresh_from_db()
    return applicant, started


@pytest.fixture
def submitted_application(application):
    applicant, started = application
    return applications.application_submit(user=applicant, application=started, version=started.version, data={
        "statement": "本机构签约主播56名。", "figure:sales": "1000000", "figure:sessions_held": "300"})


def answered(response) -> None:
    assert response.status_code in (200, 302, 400), response.status_code
    if response.status_code == 200:
        assert "Traceback" not in response.content.decode()


# ---------------------------------------------------------------------------------------
# The enterprise's forms
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", NUMBERS)
def test_a_hostile_figure_in_the_monthly_report_gets_a_message_or_is_read_as_a_number(client, draft, kind):
    reporter, report = draft
    client.force_login(reporter)

    response = client.post(reverse("reporting:edit", args=[report.pk]), {
        **POVERTY_FIGURES, "sales": NUMBERS[kind], "version": report.version, "action": "submit"})

    answered(response)
    report.refresh_from_db()
    if response.status_code == 200:
        assert 'class="error" role="alert"' in response.content.decode()
        assert report.status == "draft"
    else:
        assert report.sales is not None and report.sales.is_finite()
    assert "\x00" not in str(report.draft_input)


def edit_application(client, application, action: str, **typed):
    applicant, started = application
    client.force_login(applicant)
    return client.post(reverse("applications:edit", args=[started.pk]), {
        "version": started.version, "action": action, "subject": str(started.subject_id or ""),
        "statement": "本机构签约主播56名。", "figure:sales": "1200000", "figure:sessions_held": "340", **typed})


@pytest.mark.parametrize("kind", TEXT)
def test_hostile_text_in_the_application_is_kept_as_given(client, application, kind):
    _applicant, started = application

    response = edit_application(client, application, "save", statement=TEXT[kind])

    answered(response)
    started.refresh_from_db()
    assert started.statement == KEPT[kind]


@pytest.mark.parametrize("kind", NUMBERS)
def test_a_hostile_figure_in_the_application_gets_a_message_or_is_read_as_a_number(client, application, kind):
    _applicant, started = application

    response = edit_application(client, application, "submit", **{"figure:sales": NUMBERS[kind]})

    answered(response)
    started.refresh_from_db()
    assert "\x00" not in str(started.draft_input)
    if started.status != "draft":
        assert started.figures["sales"] not in ("NaN", "Infinity", "")


@pytest.mark.parametrize("subject", ["²", "٣", "9" * 30, "-1"])
def test_a_hostile_record_number_as_the_application_subject_gets_a_message_not_a_server_error(
        client, application, subject):
    _applicant, started = application
    chosen = started.subject_id
    client.raise_request_exception = False

    response = edit_application(client, application, "save", subject=subject)

    assert response.status_code == 200
    assert "请选择本单位的一条记录。" in response.content.decode()
    started.refresh_from_db()
    assert started.subject_id == chosen


@pytest.mark.parametrize("version", ["abc", "", "-1", "1.0", "9" * 40])
def test_a_tampered_version_changes_nothing_and_is_no_server_error(client, draft, application, version):
    reporter, report = draft
    client.force_login(reporter)
    answered(client.post(reverse("reporting:edit", args=[report.pk]),
                         {**POVERTY_FIGURES, "version": version, "action": "submit"}))
    applicant, started = application
    client.force_login(applicant)
    answered(client.post(reverse("applications:edit", args=[started.pk]),
                         {"version": version, "action": "submit", "statement": "篡改"}))

    report.refresh_from_db()
    started.refresh_from_db()
    assert report.status == "draft" and started.status == "draft" and started.statement != "篡改"


def test_a_body_that_is_not_utf8_is_no_server_error(client, draft):
    reporter, report = draft
    client.force_login(reporter)

    response = client.generic("POST", reverse("reporting:edit", args=[report.pk]),
                              b"sales=%FF%FE%00&orders=\xff\xfe&version=1&action=save",
                              content_type="application/x-www-form-urlencoded")

    answered(response)


# ---------------------------------------------------------------------------------------
# The reviewers' forms
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", TEXT)
def test_hostile_text_in_a_report_decision_is_kept_as_given(client, changge_user, city_user, submitted_report, kind):
    report = submitted_report
    client.force_login(changge_user)
    decide = reverse("reporting:decide", args=[report.pk])

    answered(client.post(decide, {"action": "return", "version": report.version, "comment": TEXT[kind],
                                  "field_sales": TEXT[kind]}))

    report.refresh_from_db()
    assert report.status == "returned"
    event = report.events.latest("pk")
    assert (event.comment, event.field_comments["sales"]) == (KEPT[kind], KEPT[kind])


@pytest.mark.parametrize("kind", TEXT)
def test_hostile_text_in_an_approval_or_an_unlock_is_no_server_error(
        client, changge_user, city_user, submitted_report, kind):
    report = submitted_report
    client.force_login(changge_user)
    decide = reverse("reporting:decide", args=[report.pk])

    answered(client.post(decide, {"action": "approve", "version": report.version, "comment": TEXT[kind]}))
    report.refresh_from_db()
    assert report.status == "approved"
    assert report.events.latest("pk").comment == KEPT[kind]
    client.force_login(city_user)
    answered(client.post(decide, {"action": "unlock", "version": report.version, "reason": TEXT[kind]}))

    report.refresh_from_db()
    assert report.status == "returned"
    assert report.events.latest("pk").comment == KEPT[kind]


@pytest.mark.parametrize("kind", TEXT)
def test_hostile_text_in_the_county_opinion_and_the_scores_is_kept_as_given(
        client, changge_user, city_user, submitted_application, kind):
    application = submitted_application
    decide = reverse("applications:decide", args=[application.pk])
    client.force_login(changge_user)

    answered(client.post(decide, {"action": "opinion", "recommended": "yes", "comment": TEXT[kind]}))
    client.force_login(city_user)
    points = {f"criterion_{criterion.pk}": "10" for criterion in application.call.criteria.all()}
    answered(client.post(decide, {"action": "score", "comment": TEXT[kind], **points}))

    assert CountyOpinion.objects.get(application=application).comment == KEPT[kind]
    assert Evaluation.objects.get(application=application).comment == KEPT[kind]


@pytest.mark.parametrize("kind", NUMBERS)
def test_a_hostile_score_gets_a_message_and_is_not_saved(client, city_user, submitted_application, kind):
    application = submitted_application
    client.force_login(city_user)
    criteria = list(application.call.criteria.all())

    response = client.post(reverse("applications:decide", args=[application.pk]), {
        "action": "score", **{f"criterion_{criterion.pk}": NUMBERS[kind] for criterion in criteria}})

    answered(response)
    for evaluation in Evaluation.objects.filter(application=application):
        for score in evaluation.scores.all():
            assert score.points.is_finite() and 0 <= score.points <= score.criterion.weight


@pytest.mark.parametrize("kind", TEXT)
def test_hostile_text_in_a_return_or_a_rejection_of_an_application_is_kept_as_given(
        client, city_user, submitted_application, kind):
    application = submitted_application
    decide = reverse("applications:decide", args=[application.pk])
    client.force_login(city_user)

    answered(client.post(decide, {"action": "return", "version": application.version, "comment": TEXT[kind],
                                  "field_statement": TEXT[kind]}))
    application.refresh_from_db()
    assert application.status == "returned"
    assert application.events.latest("pk").field_comments["statement"] == KEPT[kind]

    applicant = User.objects.get(organisation=application.organisation)
    resubmitted = applications.application_submit(
        user=applicant, application=application, version=application.version,
        data={"statement": "补充材料。", "figure:sales": "1000000", "figure:sessions_held": "300"})
    answered(client.post(decide, {"action": "reject", "version": resubmitted.version, "comment": TEXT[kind]}))

    assert Application.objects.get(pk=application.pk).status == "rejected"
    assert ApplicationEvent.objects.filter(application=application).latest("pk").comment == KEPT[kind]
