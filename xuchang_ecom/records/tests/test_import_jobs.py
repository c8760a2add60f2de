"""Imports in the background, as staff meet them in the admin: upload, a page that follows
the check, the counts and problems, the rows with errors to download and correct, the
confirm, the notifications, and what happens when the queue or the worker fails."""
import csv
import io
from datetime import timedelta
from unittest import mock

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from livestream.models import Cluster
from livestream.resources import ClusterResource
from tests.helpers import AdminPages, csv_file, problems
from xuchang_ecom.accounts.tests.factories import region
from xuchang_ecom.records.importexport import jobs
from xuchang_ecom.records.importexport.formats import XLSX
from xuchang_ecom.records.models import ImportJob, ImportState
from xuchang_ecom.workflow.models import Notification

pytestmark = pytest.mark.django_db

LIVESTREAM = AdminPages("livestream")


def cluster(i: int, **cells) -> dict:
    return {"name": f"示例产业集聚区{i:03d}", "region": "长葛市", "lead_industry": "蜂产品",
            "planned_on": "2020-10-01", "recognised_on": "2021-05-01", **cells}


def clusters_csv(rows: list[dict]) -> bytes:
    return csv_file(ClusterResource, rows)


def as_xlsx(content: bytes) -> bytes:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return XLSX().write(rows[0], rows[1:])


def read_back(content: bytes, name: str) -> list[list[str]]:
    """The cells of a downloaded .csv or .xlsx, as text."""
    if name.endswith(".xlsx"):
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        return [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def write_back(rows: list[list[str]], name: str) -> bytes:
    if name.endswith(".xlsx"):
        return XLSX().write(rows[0], rows[1:])
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def test_an_upload_leads_to_its_job_page_with_the_counts_and_nothing_is_written_until_confirmed(client, city_user):
    Cluster.objects.create(name="示例产业集聚区001", region=region("长葛市"), lead_industry="蜂产品")
    client.force_login(city_user)
    upload = io.BytesIO(clusters_csv([cluster(1), cluster(2), cluster(3)]))
    upload.name = "集聚区.csv"

    response = client.post(LIVESTREAM.url("cluster", "import"), {"format": "1", "resource": "0",
                                                                  "import_file": upload})

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == LIVESTREAM.url("cluster", "import_job", job.pk)
    page = client.get(response.url)
    assert page.status_code == 200
    assert (job.state, job.rows_total, job.rows_new, job.rows_changed, job.rows_bad) == ("checked", 3, 2, 1, 0)
    text = page.content.decode()
    assert "集聚区.csv" in text and "确认导入" in text
    assert Cluster.objects.count() == 1

    done = LIVESTREAM.confirm(client, "cluster", job).context["job"]

    assert (done.state, done.rows_written) == ("done", 3)
    assert Cluster.objects.count() == 3
    assert Cluster.objects.get(name="示例产业集聚区001").recognised_on.isoformat() == "2021-05-01"
    assert not done.stored_file, "the upload is removed once its rows are in the registry"


def test_the_uploader_is_told_in_their_notifications_when_the_file_is_checked_and_when_it_is_imported(
    client, city_user,
):
    client.force_login(city_user)
    job = LIVESTREAM.import_file(client, "cluster", clusters_csv([cluster(1), cluster(2)]), name="两行.csv")

    messages = list(Notification.objects.filter(user=city_user).order_by("pk").values_list("message", "url"))
    job_page = LIVESTREAM.url("cluster", "import_job", job.pk)
    assert messages == [
        ("两行.csv 已检查完毕：2 行可以导入，请确认导入。", job_page),
        ("两行.csv：已导入 2 行。", job_page),
    ]


@pytest.mark.parametrize("name", ["集聚区.csv", "集聚区.xlsx"])
def test_a_file_with_errors_gives_its_bad_rows_as_a_workbook_that_imports_once_corrected(client, city_user, name):
    content = clusters_csv([cluster(1), cluster(2, recognised_on="2021-02-30"), cluster(3),
                            cluster(4, region="火星市"), cluster(5)])
    if name.endswith(".xlsx"):
        content = as_xlsx(content)
    client.force_login(city_user)

    job = LIVESTREAM.preview(client, "cluster", content, name=name).context["job"]

    assert (job.state, job.rows_total, job.rows_bad, job.error_count) == ("checked", 5, 2, 2)
    assert sorted(problems(job)) == [3, 5]
    assert not job.confirmable
    assert not Cluster.objects.exists()
    download = client.get(LIVESTREAM.url("cluster", "import_errors", job.pk))
    assert download.status_code == 200
    assert "filename*=utf-8''%E9%9B%86%E8%81%9A%E5%8C%BA-" in download["Content-Disposition"]
    rows = read_back(b"".join(download.streaming_content) if download.streaming else download.content, name)
    header, bad = rows[0], rows[1:]
    assert header[-2:] == ["错误说明", "原文件行号"]
    assert [row[0] for row in bad] == ["示例产业集聚区002", "示例产业集聚区004"]
    assert [row[-1] for row in bad] == ["3", "5"]
    assert bad[0][-2].startswith("认定日期：") and bad[1][-2].startswith("地点：")

    # The user corrects the two rows in Excel and uploads the same workbook.
    recognised, place = header.index("认定日期"), header.index("地点")
    bad[0][recognised], bad[1][place] = "2021-02-28", "长葛市"
    fixed = LIVESTREAM.import_file(client, "cluster", write_back([header, *bad], name), name=name)

    assert (fixed.rows_total, fixed.rows_written) == (2, 2)
    assert sorted(Cluster.objects.values_list("name", flat=True)) == ["示例产业集聚区002", "示例产业集聚区004"]


def test_a_job_with_errors_cannot_be_confirmed_by_a_forged_request(client, city_user):
    client.force_login(city_user)
    job = LIVESTREAM.preview(client, "cluster", clusters_csv([cluster(1, region="火星市")])).context["job"]

    page = LIVESTREAM.confirm(client, "cluster", job)

    assert page.context["job"].state == "checked"
    assert "无法导入" in page.content.decode()
    assert not Cluster.objects.exists()


def test_a_file_refused_whole_says_why_on_its_page(client, city_user):
    client.force_login(city_user)

    page = LIVESTREAM.preview(client, "cluster", "地点,主导产业\n长葛市,蜂产品\n".encode())

    job = page.context["job"]
    assert job.state == "refused"
    assert "“名称”" in job.reason
    assert job.reason in page.content.decode()


def test_nobody_else_sees_confirms_or_downloads_an_import(client, city_user, changge_user):
    client.force_login(city_user)
    job = LIVESTREAM.preview(client, "cluster", clusters_csv([cluster(1), cluster(2, region="火星市")])).context["job"]
    other = city_user.__class__.objects.create_user(username="city2", password="x", role=city_user.role,
                                                     is_staff=True)
    other.user_permissions.set(city_user.user_permissions.all())
    other.groups.set(city_user.groups.all())

    for user in (other, changge_user):
        client.force_login(user)
        assert client.get(LIVESTREAM.url("cluster", "import_job", job.pk)).status_code in (403, 404)
        assert client.get(LIVESTREAM.url("cluster", "import_errors", job.pk)).status_code in (403, 404)
        assert client.post(LIVESTREAM.url("cluster", "process_import"), {"job": job.pk}).status_code in (403, 404)
        page = client.get(LIVESTREAM.url("cluster", "import"))
        assert page.status_code != 200 or job.file_name not in [j.file_name for j in page.context["recent_imports"]]


def test_the_import_page_lists_the_users_recent_imports(client, city_user):
    client.force_login(city_user)
    LIVESTREAM.preview(client, "cluster", clusters_csv([cluster(1)]), name="第一批.csv")
    LIVESTREAM.import_file(client, "cluster", clusters_csv([cluster(2)]), name="第二批.csv")

    page = client.get(LIVESTREAM.url("cluster", "import"))

    listed = [(job.file_name, job.get_state_display()) for job in page.context["recent_imports"]]
    assert listed == [("第二批.csv", "已导入"), ("第一批.csv", "已检查")]
    text = page.content.decode()
    assert "第二批.csv" in text and "你最近的导入" in text


def test_when_the_task_queue_cannot_be_reached_the_upload_is_refused_with_a_message_and_nothing_is_kept(
    client, city_user, settings,
):
    client.force_login(city_user)
    upload = io.BytesIO(clusters_csv([cluster(1)]))
    upload.name = "集聚区.csv"
    conf = jobs.celery_app.conf
    eager, conf.task_always_eager = conf.task_always_eager, False
    try:
        with mock.patch.object(jobs.import_run, "apply_async", side_effect=ConnectionError("broker down")):
            response = client.post(LIVESTREAM.url("cluster", "import"), {"format": "1", "resource": "0",
                                                                          "import_file": upload})
    finally:
        conf.task_always_eager = eager

    assert response.status_code == 200
    assert "任务队列" in str(response.context["form"].errors["import_file"])
    assert not ImportJob.objects.exists()
    assert not Cluster.objects.exists()
    # Single records are still added by hand.
    assert client.get(LIVESTREAM.url("cluster", "add")).status_code == 200


def test_a_job_whose_worker_stopped_is_shown_stopped_and_imports_when_retried(client, city_user, settings):
    client.force_login(city_user)
    job = LIVESTREAM.preview(client, "cluster", clusters_csv([cluster(1), cluster(2)])).context["job"]
    # The confirm was taken by a worker that was then killed: the job says "being imported"
    # and nothing was written, since the import is one transaction.
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.CONFIRMING, confirm_requested=True,
                                               updated_at=timezone.now() - timedelta(seconds=30))
    running = client.get(LIVESTREAM.url("cluster", "import_job", job.pk))
    assert running.context["job"].state == "confirming"
    assert '<meta http-equiv="refresh"' in running.content.decode()

    ImportJob.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - timedelta(seconds=settings.IMPORT_STALL_SECONDS + 1))
    stopped = client.get(LIVESTREAM.url("cluster", "import_job", job.pk))

    assert stopped.context["job"].state == "failed"
    assert "重试" in stopped.content.decode()
    assert not Cluster.objects.exists()
    assert Notification.objects.filter(user=city_user, message__contains="已停止").exists()

    retried = client.post(LIVESTREAM.url("cluster", "process_import"), {"job": job.pk, "retry": "1"}, follow=True)

    assert (retried.context["job"].state, retried.context["job"].attempt) == ("done", 2)
    assert Cluster.objects.count() == 2


def test_a_task_delivered_again_after_a_retry_does_nothing(client, city_user):
    client.force_login(city_user)
    job = LIVESTREAM.preview(client, "cluster", clusters_csv([cluster(1)])).context["job"]
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.CONFIRM_QUEUED, attempt=2)

    jobs.import_job_run(job.pk, 1)  # the first attempt's message, delivered late

    job.refresh_from_db()
    assert job.state == "confirm_queued"
    assert not Cluster.objects.exists()


def test_the_files_of_old_imports_are_removed_after_the_days_kept(client, city_user, settings):
    client.force_login(city_user)
    job = LIVESTREAM.preview(client, "cluster", clusters_csv([cluster(1), cluster(2, region="火星市")])).context["job"]
    assert job.stored_file and job.errors_file
    storage = jobs._storage()
    assert storage.exists(job.stored_file) and storage.exists(job.errors_file)

    assert jobs.import_jobs_sweep(now=timezone.now() + timedelta(days=settings.IMPORT_KEEP_FILES_DAYS - 1)) == 0
    assert jobs.import_jobs_sweep(now=timezone.now() + timedelta(days=settings.IMPORT_KEEP_FILES_DAYS + 1)) == 1

    kept = ImportJob.objects.get(pk=job.pk)
    assert (kept.stored_file, kept.errors_file, kept.errors) == ("", "", [])
    assert not storage.exists(job.stored_file) and not storage.exists(job.errors_file)
    assert client.get(LIVESTREAM.url("cluster", "import_errors", job.pk)).status_code == 404
    assert kept.error_count == 1, "the job's page still says what was found"


def test_the_import_page_in_chinese_names_the_columns_a_file_needs(client, city_user):
    client.force_login(city_user)

    page = client.get(reverse("admin:livestream_cluster_import"))

    text = page.content.decode()
    assert "名称" in text and "以下列为必填：名称。" in text
    assert "检查文件" in text


def test_an_upload_without_a_chosen_format_is_read_by_its_extension(client, city_user):
    client.force_login(city_user)
    files = (("集聚区.xlsx", as_xlsx(clusters_csv([cluster(1)]))), ("集聚区.csv", clusters_csv([cluster(2)])))
    for name, content in files:
        upload = io.BytesIO(content)
        upload.name = name
        response = client.post(LIVESTREAM.url("cluster", "import"), {"resource": "0", "import_file": upload},
                               follow=True)
        assert response.context["job"].state == "checked", name
    upload = io.BytesIO(b"name\n")
    upload.name = "集聚区.txt"

    response = client.post(LIVESTREAM.url("cluster", "import"), {"resource": "0", "import_file": upload})

    assert response.context["form"].errors["import_file"] == ["请上传 .xlsx 或 .csv 文件。"]


def test_an_uploader_reading_the_site_in_english_gets_the_problems_the_workbook_and_the_notice_in_english(
    client, city_user, settings,
):
    client.force_login(city_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = clusters_csv([cluster(1), cluster(2, region="火星市")])

    job = LIVESTREAM.preview(client, "cluster", content, name="two.csv").context["job"]

    assert job.language == "en"
    ((row, _column, message),) = job.errors
    assert (row, message.startswith("No place “火星市” was found")) == (3, True)
    workbook = client.get(LIVESTREAM.url("cluster", "import_errors", job.pk))
    assert read_back(b"".join(workbook.streaming_content) if workbook.streaming else workbook.content,
                     "two.csv")[0][-2:] == ["Problems", "Row in the uploaded file"]
    assert Notification.objects.get(user=city_user).message == (
        "two.csv has 1 error; nothing was imported. Download the rows with errors, correct them and upload them "
        "again.")


def test_an_uploader_reading_the_site_in_chinese_gets_the_problems_in_chinese(client, city_user):
    client.force_login(city_user)

    job = LIVESTREAM.preview(client, "cluster", clusters_csv([cluster(1, region="火星市")])).context["job"]

    assert job.language == "zh-hans"
    assert job.errors[0][2].startswith("找不到地点“火星市”")
