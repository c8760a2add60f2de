"""The bulk import of livestream sessions, by file, by hand and through the admin."""
import codecs
import csv
import io
import threading
import time
from datetime import datetime
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from livestream import services
from livestream.importers.rows import COLUMNS
from livestream.importers.sessions import session_bulk_import
from livestream.models import BaseKind, Platform, QuantityUnit, Session, SessionKind
from livestream.resources import SessionResource
from xuchang_ecom.accounts.models import Role
from xuchang_ecom.accounts.tests.factories import make_user, region
from xuchang_ecom.audit.models import LogEntry
from xuchang_ecom.records.importexport.formats import CSV, XLSX
from xuchang_ecom.records.importexport.outcome import MAX_REPORTED_ERRORS
from xuchang_ecom.records.importexport.uploads import ImportFileRejected
from xuchang_ecom.records.models import ImportJob
from xuchang_ecom.workflow.models import Notification

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
IMPORT = reverse("admin:livestream_session_import")
CONFIRM = reverse("admin:livestream_session_process_import")
# The headers as people see them in an exported file.
HEADERS = ["开播时间", "平台", "地点", "直播基地", "直播机构", "主播", "类型", "标题", "商品品类", "订单数",
           "销售额（元）", "销售数量", "单位"]


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def world(city_user):
    """What the rows refer to, all in 长葛市 except one anchor in 禹州市."""
    changge = region("长葛市")
    services.platform_create(name="农购网")
    services.platform_create(name="抖音")
    services.base_create(user=city_user, name="示例直播基地01", region=changge, kind=BaseKind.COMPREHENSIVE)
    services.agency_create(user=city_user, name="示例直播机构01", region=changge)
    services.anchor_create(user=city_user, display_name="示例主播01", region=changge)
    services.anchor_create(user=city_user, display_name="示例主播02", region=changge)
    services.anchor_create(user=city_user, display_name="禹州主播01", region=region("禹州市"))


def a_row(**cells: str) -> dict[str, str]:
    row = {
        "开播时间": "2020-06-30 20:00", "平台": "农购网", "地点": "长葛市/佛耳湖镇/岗李村",
        "直播基地": "示例直播基地01", "直播机构": "示例直播机构01", "主播": "示例主播01、示例主播02",
        "类型": "商业直播", "标题": "岗李村蜂蜜专场", "商品品类": "蜂产品", "订单数": "120",
        "销售额（元）": "3456.78", "销售数量": "200", "单位": "千克",
    }
    row.update(cells)
    return row


def csv_file(rows: list[dict[str, str]], *, encoding: str = "utf-8") -> bytes:
    headers = list(rows[0])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([row.get(header, "") for header in headers] for row in rows)
    return out.getvalue().encode(encoding)


def xlsx_file(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def import_csv(user, content: bytes, *, dry_run: bool = False, **kwargs):
    return session_bulk_import(user=user, data=content, file_format=CSV(), dry_run=dry_run, **kwargs)


def test_the_headers_are_the_fields_verbose_names_as_the_export_writes_them():
    assert [str(Session._meta.get_field(name).verbose_name) for name in COLUMNS] == HEADERS


def test_a_valid_csv_imports_every_row_with_its_anchors_linked(city_user, world):
    content = csv_file([a_row(), a_row(主播="示例主播02", 销售数量="", 单位=""), a_row(主播="")])

    result = import_csv(city_user, content)

    assert (result.ok, result.total, result.created) == (True, 3, 3)
    first, second, third = Session.objects.order_by("pk")
    assert first.started_at == datetime(2020, 6, 30, 20, 0, tzinfo=SHANGHAI)
    assert (first.platform.name, first.region.display_path, first.base.name, str(first.agency)) == (
        "农购网", "长葛市/佛耳湖镇/岗李村", "示例直播基地01", "示例直播机构01")
    assert (first.kind, first.title, first.product_category, first.orders) == (
        SessionKind.COMMERCIAL, "岗李村蜂蜜专场", "蜂产品", 120)
    assert (first.sales, first.quantity, first.quantity_unit) == (Decimal("3456.78"), Decimal(200), QuantityUnit.KG)
    assert sorted(anchor.display_name for anchor in first.anchors.all()) == ["示例主播01", "示例主播02"]
    assert [anchor.display_name for anchor in second.anchors.all()] == ["示例主播02"]
    assert (second.quantity, second.quantity_unit) == (None, "")
    assert not third.anchors.exists()


def test_a_file_with_one_bad_row_among_good_ones_writes_nothing_and_names_its_row_and_column(city_user, world):
    content = csv_file([a_row(), a_row(), a_row(订单数="很多"), a_row()])

    result = import_csv(city_user, content)

    assert not result.ok
    assert result.created == 0
    assert [(error.row, error.column) for error in result.errors] == [(4, "订单数")]
    assert "4" in result.messages()[0] and "订单数" in result.messages()[0]
    assert not Session.objects.exists()


def test_every_bad_row_is_reported_not_only_the_first(city_user, world):
    content = csv_file([
        a_row(开播时间="昨天"), a_row(), a_row(平台="无此平台"), a_row(地点="长葛市/无此镇"),
    ])

    result = import_csv(city_user, content)

    assert [(error.row, error.column) for error in result.errors] == [
        (2, "开播时间"), (4, "平台"), (5, "地点"),
    ]
    assert "无此平台" in result.errors[1].message
    assert not Session.objects.exists()


def test_a_gbk_encoded_csv_imports(city_user, world):
    result = import_csv(city_user, csv_file([a_row(标题="长葛蜂蜜节")], encoding="gbk"))

    assert result.created == 1
    assert Session.objects.get().title == "长葛蜂蜜节"


def test_excels_unicode_text_utf16_and_tab_separated_imports(city_user, world):
    rows = [a_row(标题="长葛蜂蜜节"), a_row(标题="禹州钧瓷夜")]
    text = "\r\n".join("\t".join(row) for row in [list(rows[0]), *[list(row.values()) for row in rows]]) + "\r\n"
    result = import_csv(city_user, text.encode("utf-16"))

    assert result.ok, result.messages()
    assert sorted(Session.objects.values_list("title", flat=True)) == ["禹州钧瓷夜", "长葛蜂蜜节"]


def test_a_utf8_csv_with_a_bom_and_english_headers_imports(city_user, world):
    with translation.override("en"):
        headers = [str(Session._meta.get_field(name).verbose_name) for name in COLUMNS]
    rows = [dict(zip(headers, a_row(类型="Public welfare", 单位="kg").values(), strict=True))]

    result = import_csv(city_user, codecs.BOM_UTF8 + csv_file(rows))

    assert result.created == 1
    session = Session.objects.get()
    assert (session.kind, session.quantity_unit) == (SessionKind.PUBLIC_WELFARE, QuantityUnit.KG)


def test_an_xlsx_workbook_imports_its_date_cells_and_numbers(city_user, world):
    content = xlsx_file([
        [datetime(2021, 5, 1, 19, 30), "抖音", "长葛市", None, None, "示例主播01", "public_welfare", "公益助农",
         "蜂产品", 12, 1234.5600000000002, 2.5, "吨"],
        [],  # a blank row keeps the numbering of the rows after it
        ["2021/5/2 8:05", "农购网", "411082000000", "示例直播基地01", "示例直播机构01", None, None, "=SUM 标题",
         None, 3.0, 99, None, None],
    ])

    result = session_bulk_import(user=city_user, data=content, file_format=XLSX(), dry_run=False)

    assert (result.ok, result.total, result.created) == (True, 2, 2), result.messages()
    first, second = Session.objects.order_by("started_at")
    assert first.started_at == datetime(2021, 5, 1, 19, 30, tzinfo=SHANGHAI)
    assert (first.kind, first.sales, first.quantity, first.quantity_unit) == (
        SessionKind.PUBLIC_WELFARE, Decimal("1234.56"), Decimal("2.5"), QuantityUnit.TONNE)
    assert second.started_at == datetime(2021, 5, 2, 8, 5, tzinfo=SHANGHAI)
    assert (second.region, second.kind, second.orders, second.sales) == (
        region("长葛市"), SessionKind.COMMERCIAL, 3, Decimal(99))


def test_an_xlsx_row_error_names_the_spreadsheet_row(city_user, world):
    content = xlsx_file([
        [datetime(2021, 5, 1, 19, 30), "抖音", "长葛市"],
        [],
        [datetime(2021, 5, 1, 19, 30), "抖音", "长葛市", None, None, None, None, None, None, 1.5],
    ])

    result = session_bulk_import(user=city_user, data=content, file_format=XLSX(), dry_run=False)

    assert [(error.row, error.column) for error in result.errors] == [(4, "订单数")]
    assert not Session.objects.exists()


def test_an_exported_file_reimports_unchanged(city_user, world):
    import_csv(city_user, csv_file([a_row(), a_row(主播="", 标题="'=公式")]))
    exported = CSV().export_data(SessionResource(user=city_user).export())
    before = sorted(Session.objects.values_list("started_at", "region", "base", "agency", "title", "sales", "quantity"))
    Session.objects.all().delete()

    result = import_csv(city_user, exported)

    assert result.created == 2, result.messages()
    after = sorted(Session.objects.values_list("started_at", "region", "base", "agency", "title", "sales", "quantity"))
    assert after == before


def test_a_county_user_cannot_import_a_row_for_another_county(changge_user, world):
    content = csv_file([a_row(), a_row(地点="禹州市", 直播基地="", 直播机构="", 主播="")])

    result = import_csv(changge_user, content)

    assert [(error.row, error.column) for error in result.errors] == [(3, "地点")]
    assert not Session.objects.exists()


def test_a_county_user_cannot_name_another_countys_anchor(changge_user, world):
    result = import_csv(changge_user, csv_file([a_row(主播="示例主播01、禹州主播01")]))

    assert [(error.row, error.column) for error in result.errors] == [(2, "主播")]
    assert "禹州主播01" in result.errors[0].message
    assert "示例主播01" not in result.errors[0].message


@pytest.mark.parametrize("column,value", [
    ("平台", "无此平台"), ("直播基地", "无此基地"), ("直播机构", "无此机构"), ("主播", "示例主播01,无此主播"),
    ("地点", "长葛市/无此镇"), ("地点", "999999999999"), ("类型", "带货"), ("单位", "箱"),
])
def test_an_unknown_reference_or_choice_is_a_row_error(city_user, world, column, value):
    result = import_csv(city_user, csv_file([a_row(**{column: value})]))

    assert [(error.row, error.column) for error in result.errors] == [(2, column)]
    assert not Session.objects.exists()


@pytest.mark.parametrize("column,value", [
    ("开播时间", ""), ("开播时间", "2020-02-30 20:00"), ("开播时间", "2020-06-30"), ("平台", ""), ("地点", ""),
    ("订单数", "-1"), ("订单数", "1.5"), ("订单数", "99999999999999999999"), ("订单数", "1E+1000000"),
    ("销售额（元）", "-0.01"),
    ("销售额（元）", "12.345"), ("销售额（元）", "NaN"), ("销售额（元）", "123456789012345"), ("销售数量", "-1"),
    ("单位", ""), ("标题", "长" * 201),
])
def test_a_value_the_model_would_refuse_is_a_row_error(city_user, world, column, value):
    result = import_csv(city_user, csv_file([a_row(**{column: value})]))

    assert [(error.row, error.column) for error in result.errors] == [(2, column)]
    assert all(error.message for error in result.errors)


@pytest.mark.parametrize("text,expected", [
    ("2020-06-30 20:00", datetime(2020, 6, 30, 20, 0)),
    ("2020/6/30 20:00", datetime(2020, 6, 30, 20, 0)),
    ("2020-06-30 20:00:15", datetime(2020, 6, 30, 20, 0, 15)),
    ("2020年6月30日 8:05", datetime(2020, 6, 30, 8, 5)),
    ("2020-06-30T20:00:00+08:00", datetime(2020, 6, 30, 20, 0)),
])
def test_start_times_are_read_in_the_formats_excel_writes_as_shanghai_time(city_user, world, text, expected):
    import_csv(city_user, csv_file([a_row(开播时间=text)]))

    assert Session.objects.get().started_at == expected.replace(tzinfo=SHANGHAI)


def test_numbers_may_have_thousands_separators_and_trailing_zeros(city_user, world):
    import_csv(city_user, csv_file([a_row(订单数="1,200", **{"销售额（元）": "12,345.600"})]))

    session = Session.objects.get()
    assert (session.orders, session.sales) == (1200, Decimal("12345.60"))


def test_a_file_without_a_required_column_is_refused(city_user, world):
    rows = [{header: value for header, value in a_row().items() if header != "平台"}]

    with pytest.raises(ImportFileRejected) as refused:
        import_csv(city_user, csv_file(rows))

    assert refused.value.code == "missing_column"
    assert "平台" in refused.value.message


def test_a_file_with_headers_only_is_refused(city_user, world):
    with pytest.raises(ImportFileRejected) as refused:
        import_csv(city_user, ",".join(HEADERS).encode())

    assert refused.value.code == "empty"


def test_a_file_with_more_rows_than_the_limit_is_refused_and_nothing_is_written(city_user, world, settings):
    settings.IMPORT_MAX_ROWS = 5
    content = csv_file([a_row(标题=f"第{number}场") for number in range(6)])

    with pytest.raises(ImportFileRejected) as refused:
        import_csv(city_user, content, batch_size=2)  # batches were written before the sixth row

    assert refused.value.code == "too_many_rows"
    assert "5" in refused.value.message
    assert not Session.objects.exists()


def test_a_workbook_whose_cells_reach_far_below_its_rows_is_refused_before_it_is_read(city_user, world):
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADERS)
    workbook.active["M1048576"] = "千克"  # python-calamine would hold 13.6 million cells
    out = io.BytesIO()
    workbook.save(out)

    with pytest.raises(ImportFileRejected) as refused:
        session_bulk_import(user=city_user, data=out.getvalue(), file_format=XLSX(), dry_run=True)

    assert refused.value.code == "too_many_cells"


def test_errors_beyond_the_reported_ones_are_counted(city_user, world):
    rows = [a_row(平台="无此平台")] * (MAX_REPORTED_ERRORS + 5)

    result = import_csv(city_user, csv_file(rows), dry_run=True)

    assert (len(result.errors), result.unreported_errors, result.error_count) == (
        MAX_REPORTED_ERRORS, 5, MAX_REPORTED_ERRORS + 5)
    assert "5" in result.messages()[-1]


def test_a_dry_run_checks_every_row_and_writes_nothing(city_user, world):
    result = import_csv(city_user, csv_file([a_row(), a_row()]), dry_run=True)

    assert (result.ok, result.total, result.created) == (True, 2, 0)
    assert not Session.objects.exists()


def test_rows_are_inserted_in_batches_with_their_anchors(city_user, world):
    result = import_csv(city_user, csv_file([a_row(标题=f"第{n}场") for n in range(7)]), batch_size=3)

    assert result.created == 7
    assert Session.anchors.through.objects.count() == 14


def test_a_file_unreadable_after_some_batches_went_in_leaves_nothing_written_and_no_writer_running(
        city_user, world):
    good = csv_file([a_row(标题=f"第{n}场") for n in range(7)])
    too_long = "x" * (csv.field_size_limit() + 1)  # the csv module gives up on a field this long
    content = good + f'2021-05-01 20:00,抖音,"{too_long}"\r\n'.encode()

    with pytest.raises(ImportFileRejected, match="第 9 行"):
        import_csv(city_user, content, batch_size=3)
    assert not Session.objects.exists()
    assert not [thread for thread in threading.enumerate() if thread.name == "session-import-copy"]


def test_on_postgresql_a_batch_the_database_refuses_fails_the_import_and_leaves_nothing(
        city_user, world, require_postgres):
    from xuchang_ecom.common import bulk

    first_ids = []

    def the_same_ids_twice(model, count, *, cursor=None):
        if not first_ids:
            first_ids.extend(bulk.reserve_ids(model, count, cursor=cursor))
        return first_ids[:count]

    with mock.patch("livestream.importers.writers.reserve_ids", the_same_ids_twice), pytest.raises(IntegrityError):
        import_csv(city_user, csv_file([a_row(标题=f"第{n}场") for n in range(7)]), batch_size=3)
    assert not Session.objects.exists()
    assert not [thread for thread in threading.enumerate() if thread.name == "session-import-copy"]


def test_the_number_of_queries_does_not_grow_with_the_number_of_rows(city_user, world):
    def queries(rows: int, *, dry_run: bool) -> list[str]:
        content = csv_file([a_row(标题=f"第{n}场") for n in range(rows)])
        with CaptureQueriesContext(connection) as captured:
            assert import_csv(city_user, content, dry_run=dry_run).ok
        return [query["sql"] for query in captured.captured_queries]

    assert len(queries(1000, dry_run=True)) == len(queries(100, dry_run=True))
    ContentType.objects.get_for_model(Session)  # the trail's one look-up, cached once per process
    few, many = queries(100, dry_run=False), queries(1000, dry_run=False)
    not_inserts = [sql for sql in many if not sql.startswith("INSERT")]
    assert len(not_inserts) == len([sql for sql in few if not sql.startswith("INSERT")])
    # Only the batches grow, and they hold many rows each (SQLite caps a statement's
    # parameters; PostgreSQL takes a batch in one statement): the sessions and their
    # links, and the sessions' trail entries.
    trail = [sql for sql in many if sql.startswith('INSERT INTO "audit_logentry"')]
    assert len(many) - len(not_inserts) - len(trail) <= 1000 // 50
    assert len(trail) <= 1000 // 50  # none on PostgreSQL, where they go in by COPY


def test_ten_thousand_rows_import_and_report_their_rate(city_user, world, record_property):
    rows = 10_000
    content = csv_file([a_row(标题=f"第{n}场", 开播时间=f"2021-{n % 12 + 1}-{n % 28 + 1} 20:{n % 60:02d}")
                        for n in range(rows)])

    started = time.perf_counter()
    result = import_csv(city_user, content)
    seconds = time.perf_counter() - started

    assert result.created == rows
    assert Session.anchors.through.objects.count() == 2 * rows
    rate = rows / seconds
    record_property("session_import_rows_per_second", round(rate))
    print(f"\n{rows} sessions imported in {seconds:.2f} s ({rate:,.0f} rows/s on {connection.vendor})")


# ---------------------------------------------------------------------------------------
# Through the admin
# ---------------------------------------------------------------------------------------


def upload(client, content: bytes, name: str = "sessions.csv"):
    """Upload ``content`` on the import page and follow to its job's page (the check runs
    in-process in the tests, so it is done); a refused upload stays on the upload page."""
    form = client.get(IMPORT).context["form"]
    extension = name.rsplit(".", 1)[1]
    file_format = next(value for value, label in form.fields["format"].choices if label.lower() == extension)
    return client.post(IMPORT, {"format": file_format, "resource": "0",
                                "import_file": SimpleUploadedFile(name, content)}, follow=True)


def job_page(job) -> str:
    return reverse("admin:livestream_session_import_job", args=[job.pk])


def confirm(client, job):
    """Confirm ``job``; follows to its page."""
    return client.post(CONFIRM, {"job": job.pk}, follow=True)


def test_city_staff_upload_check_and_confirm_an_import(client, city_user, world):
    client.force_login(city_user)

    checked = upload(client, csv_file([a_row(), a_row()]), "六月直播.csv")

    job = checked.context["job"]
    assert checked.redirect_chain == [(job_page(job), 302)]
    assert (job.state, job.rows_total, job.rows_new, job.confirmable) == ("checked", 2, 2, True)
    assert 'name="confirm"' in checked.content.decode()
    assert not Session.objects.exists()
    response = confirm(client, job)
    assert response.redirect_chain == [(job_page(job), 302)]
    assert (response.context["job"].state, response.context["job"].rows_written) == ("done", 2)
    assert Session.objects.count() == 2
    told = Notification.objects.filter(user=city_user).order_by("pk").last()
    assert "六月直播.csv" in told.message and "2" in told.message and told.url == job_page(job)


def test_an_xlsx_upload_imports_through_the_admin(client, city_user, world):
    client.force_login(city_user)
    content = xlsx_file([[datetime(2021, 5, 1, 19, 30), "抖音", "长葛市"]])

    job = upload(client, content, "sessions.xlsx").context["job"]
    response = confirm(client, job)

    assert response.context["job"].state == "done"
    assert Session.objects.count() == 1


def test_the_job_page_lists_every_error_and_offers_no_confirm(client, city_user, world):
    client.force_login(city_user)

    checked = upload(client, csv_file([a_row(), a_row(平台="无此平台"), a_row(订单数="x")]))

    job = checked.context["job"]
    assert (job.state, job.rows_bad, job.error_count, job.confirmable) == ("checked", 2, 2, False)
    assert [(row, column) for row, column, _message in job.errors] == [(3, "平台"), (4, "订单数")]
    page = checked.content.decode()
    assert "无此平台" in page
    assert 'name="confirm"' not in page
    assert not Session.objects.exists()


def test_the_error_workbook_holds_the_bad_rows_with_their_problems_and_row_numbers(client, city_user, world):
    client.force_login(city_user)
    job = upload(client, csv_file([a_row(), a_row(平台="无此平台"), a_row(订单数="x")])).context["job"]

    response = client.get(reverse("admin:livestream_session_import_errors", args=[job.pk]))

    assert response.status_code == 200
    dataset = CSV().create_dataset(response.content)
    assert dataset.headers[:len(HEADERS)] == HEADERS and len(dataset.headers) == len(HEADERS) + 2
    problems_column, row_column = dataset.headers[-2:]
    rows = dataset.dict
    assert [(row["平台"], row["订单数"]) for row in rows] == [("无此平台", "120"), ("农购网", "x")]
    assert [str(row[row_column]) for row in rows] == ["3", "4"]
    assert "平台" in rows[0][problems_column] and "无此平台" in rows[0][problems_column]
    assert "订单数" in rows[1][problems_column]


def test_the_corrected_error_workbook_imports_as_it_is(client, city_user, world):
    client.force_login(city_user)
    job = upload(client, csv_file([a_row(), a_row(平台="无此平台")])).context["job"]
    workbook = client.get(reverse("admin:livestream_session_import_errors", args=[job.pk])).content
    corrected = workbook.replace("无此平台".encode(), "抖音".encode())

    job = upload(client, corrected, "corrected.csv").context["job"]

    assert job.confirmable, job.errors
    assert confirm(client, job).context["job"].rows_written == 1
    assert list(Session.objects.values_list("platform__name", flat=True)) == ["抖音"]


def test_a_file_the_format_refuses_is_a_form_error(client, city_user, world):
    client.force_login(city_user)

    response = upload(client, b"PK\x03\x04 not really a csv", "sessions.csv")

    assert response.redirect_chain == []
    assert response.context["form"].errors["import_file"]
    assert "job" not in response.context
    assert not ImportJob.objects.exists()


def test_a_file_without_a_required_column_ends_refused_with_the_reason(client, city_user, world):
    client.force_login(city_user)
    rows = [{header: value for header, value in a_row().items() if header != "平台"}]

    response = upload(client, csv_file(rows))

    job = response.context["job"]
    assert (job.state, job.confirmable) == ("refused", False)
    assert "平台" in job.reason and job.reason in response.content.decode()
    assert not Session.objects.exists()


def test_only_the_uploader_may_see_or_confirm_their_import(client, city_user, changge_user, world):
    client.force_login(city_user)
    job = upload(client, csv_file([a_row()])).context["job"]
    with_errors = upload(client, csv_file([a_row(平台="无此平台")])).context["job"]
    assert job.confirmable and with_errors.errors_file
    client.force_login(changge_user)

    assert client.post(CONFIRM, {"job": job.pk}).status_code == 404
    assert client.get(job_page(job)).status_code == 404
    assert client.get(job_page(with_errors)).status_code == 404
    assert client.get(reverse("admin:livestream_session_import_errors", args=[with_errors.pk])).status_code == 404
    assert not client.get(IMPORT).context["recent_imports"]
    job.refresh_from_db()
    assert job.state == "checked"
    assert not Session.objects.exists()


@pytest.mark.parametrize("job_id", ["../../etc/passwd", "1 OR 1=1", "", "999999"])
def test_the_confirm_step_refuses_a_job_that_is_not_one(client, city_user, world, job_id):
    client.force_login(city_user)

    response = client.post(CONFIRM, {"job": job_id})

    assert response.status_code == 404
    assert not Session.objects.exists()


def test_the_confirm_step_writes_nothing_if_a_row_became_invalid(client, city_user, world):
    client.force_login(city_user)
    job = upload(client, csv_file([a_row()])).context["job"]
    assert job.confirmable

    Platform.objects.filter(name="农购网").update(name="农购网（旧）")
    response = confirm(client, job)

    job = response.context["job"]
    assert (job.state, job.rows_written, job.confirmable) == ("checked", 0, False)
    assert [column for _row, column, _message in job.errors] == ["平台"]
    assert not Session.objects.exists()


def test_a_job_is_confirmed_only_once(client, city_user, world):
    client.force_login(city_user)
    job = upload(client, csv_file([a_row()])).context["job"]
    confirm(client, job)

    response = client.post(CONFIRM, {"job": job.pk}, follow=True)

    assert [message.level_tag for message in response.context["messages"]] == ["error"]
    assert Session.objects.count() == 1


def test_staff_without_the_import_permission_get_403(client, world):
    user = make_user("viewer", Role.CITY_STAFF)
    user.groups.clear()
    user.user_permissions.add(Permission.objects.get(codename="view_session", content_type__app_label="livestream"))
    client.force_login(user)

    assert client.get(IMPORT).status_code == 403
    assert client.post(CONFIRM, {}).status_code == 403
    assert client.get(reverse("admin:livestream_session_import_job", args=[1])).status_code == 403


def test_a_reporter_cannot_reach_the_import(client, reporter_user):
    client.force_login(reporter_user)

    response = client.get(IMPORT)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_import_asks_for_one_roll_up_once_it_commits_and_a_dry_run_for_none(city_user, world):
    from programs.triggers import rollup_soon

    content = csv_file([a_row(), a_row(主播="示例主播02")])
    with mock.patch("programs.triggers.rollup_soon", wraps=rollup_soon) as asked:
        import_csv(city_user, content, dry_run=True)
        assert asked.call_count == 0
        import_csv(city_user, content)
    # The rows were written with bulk_create, which sends no model signals.
    assert asked.call_count == 1


# ---------------------------------------------------------------------------------------
# The audit trail: one entry per session, as auditlog writes for one created by a service
# ---------------------------------------------------------------------------------------


def test_each_imported_session_is_kept_in_the_trail_with_its_file_and_row(client, city_user, world):
    client.force_login(city_user)
    content = csv_file([a_row(), dict.fromkeys(a_row(), ""), a_row(主播="", 销售数量="", 单位="", 标题="第二场")])

    job = upload(client, content, name="六月直播.csv").context["job"]
    assert confirm(client, job).context["job"].state == "done"

    first, second = Session.objects.order_by("pk")
    entries = {entry.object_id: entry for entry in LogEntry.objects.filter(content_type__model="session")}
    assert set(entries) == {first.pk, second.pk}
    for session, row in ((first, 2), (second, 4)):  # the blank row 3 keeps the numbering
        entry = entries[session.pk]
        assert (entry.action, entry.actor, entry.object_repr) == (LogEntry.Action.CREATE, city_user,
                                                                  "2020-06-30 20:00 农购网")
        assert entry.additional_data == {"via": "import", "file": "六月直播.csv", "row": row, "user": "city"}
    assert entries[first.pk].changes["anchors"] == {"type": "m2m", "operation": "add",
                                                   "objects": ["示例主播01", "示例主播02"]}
    assert "anchors" not in entries[second.pk].changes


def test_the_entry_of_an_imported_session_holds_what_a_services_entry_holds(city_user, world):
    import_csv(city_user, csv_file([a_row(主播="")]))
    imported = Session.objects.get()
    made = services.session_create(
        user=city_user, started_at=imported.started_at, platform=imported.platform, region=imported.region,
        base=imported.base, agency=imported.agency, kind=imported.kind, title=imported.title,
        product_category=imported.product_category, orders=imported.orders, sales=Decimal("3456.78"),
        quantity=Decimal("200"), quantity_unit=imported.quantity_unit)

    by_import, by_service = (LogEntry.objects.get(content_type__model="session", object_id=pk, action=0)
                             for pk in (imported.pk, made.pk))
    assert by_import.changes == by_service.changes


def test_an_import_that_writes_nothing_keeps_nothing_in_the_trail(city_user, world):
    before = LogEntry.objects.count()

    assert import_csv(city_user, csv_file([a_row(), a_row()]), dry_run=True).ok
    assert not import_csv(city_user, csv_file([a_row(), a_row(平台="")])).ok

    assert LogEntry.objects.count() == before


def test_the_trail_can_be_turned_off_for_a_measurement(city_user, world):
    from auditlog.context import disable_auditlog

    with disable_auditlog():
        assert import_csv(city_user, csv_file([a_row()])).created == 1
    assert not LogEntry.objects.filter(content_type__model="session").exists()


def test_on_postgresql_the_entries_go_in_by_copy_with_the_sessions(city_user, world, require_postgres):
    content = csv_file([a_row(标题=f"第{n}场") for n in range(7)])

    with CaptureQueriesContext(connection) as captured:
        result = import_csv(city_user, content, batch_size=3, file_name="s.csv")

    assert result.created == 7
    assert not [query for query in captured.captured_queries if query["sql"].startswith('INSERT INTO "audit_logentry"')]
    rows = sorted(LogEntry.objects.filter(content_type__model="session").values_list("additional_data", flat=True),
                  key=lambda data: data["row"])
    assert [data["row"] for data in rows] == list(range(2, 9))
    assert {data["file"] for data in rows} == {"s.csv"}
