"""Importing and exporting the registry through the admin, as city and county staff do."""
import codecs
import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation

from tests.helpers import CSV_FORMAT, XLSX_FORMAT, AdminPages, problems
from villages.models import Designation, DesignationKind, Honour, SourceReport
from villages.resources import DesignationResource, HonourResource
from villages.tests.factories import DesignationFactory, SourceReportFactory, village
from xuchang_ecom.accounts.models import Role, User
from xuchang_ecom.accounts.tests.factories import DEFAULT_PASSWORD, region
from xuchang_ecom.audit.models import LogEntry
from xuchang_ecom.records.importexport.formats import CSV, XLSX
from xuchang_ecom.records.models import ImportJob

pytestmark = pytest.mark.django_db

ADMIN = AdminPages("villages")
IMPORT = reverse("admin:villages_designation_import")
CONFIRM = reverse("admin:villages_designation_process_import")
EXPORT = reverse("admin:villages_designation_export")
GANGLI = "长葛市/佛耳湖镇/岗李村"


@pytest.fixture
def source():
    return SourceReportFactory()


def column(name: str, resource=DesignationResource) -> str:
    """The header of a resource field as the admin (in the default language) writes it."""
    with translation.override(settings.LANGUAGE_CODE):
        return resource().fields[name].column_name


def headers(resource=DesignationResource) -> list[str]:
    with translation.override(settings.LANGUAGE_CODE):
        return list(resource().get_export_headers())


def csv_file(rows: list[dict], *, encoding="utf-8", bom=False, resource=DesignationResource) -> bytes:
    """A CSV with the exported headers; ``rows`` are keyed by resource field name."""
    names = list(resource().get_export_order())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers(resource))
    for row in rows:
        writer.writerow([row.get(name, "") for name in names])
    return (codecs.BOM_UTF8 if bom else b"") + out.getvalue().encode(encoding)


def a_row(**values) -> dict:
    return {"place": GANGLI, "kind": "淘宝村", "year": "2020",
            "source": "2020中国淘宝村研究报告", **values}


def export(client, file_format=XLSX_FORMAT) -> bytes:
    form = client.get(EXPORT).context["form"]
    data = {"format": file_format, "resource": "0"}
    data.update({name: "on" for name, field in form.fields.items()
                 if getattr(field, "is_selectable_field", False)})
    response = client.post(EXPORT, data)
    assert response.status_code == 200
    return response.content


def preview(client, content: bytes, name: str):
    """Upload a designations file; returns its job's page once checked."""
    return ADMIN.preview(client, "designation", content, name)


def import_file(client, content: bytes, name: str):
    """Check then confirm a designations file; returns the job once imported."""
    return ADMIN.import_file(client, "designation", content, name)


def snapshot():
    return sorted(Designation.objects.values_list(
        "place__path", "kind", "year", "source__title", "main_products", "online_shops",
        "online_sales", "local_model", "note",
    ))


@pytest.mark.parametrize("file_format,name", [(XLSX_FORMAT, "export.xlsx"), (CSV_FORMAT, "export.csv")])
def test_an_exported_file_reimports_unchanged(client, city_user, file_format, name):
    DesignationFactory(year=2019, online_shops=120, online_sales=Decimal("1234567.80"),
                       local_model="岗李模式", note="第一行\n第二行")
    DesignationFactory(year=2020, kind=DesignationKind.TOWN, place=region("长葛市/佛耳湖镇"),
                       main_products="蜂蜜")
    DesignationFactory(year=2020, place=village("禹州市", "示例镇", "示例村"))
    before = snapshot()
    client.force_login(city_user)

    content = export(client, file_format)
    job = import_file(client, content, name)

    assert job.rows_unchanged == 3
    assert job.rows_new == job.rows_changed == 0
    assert snapshot() == before
    reader = XLSX() if file_format == XLSX_FORMAT else CSV()
    assert reader.create_dataset(export(client, file_format)).dict == reader.create_dataset(content).dict


def test_the_export_writes_the_place_path_its_code_and_chinese_labels(client, city_user):
    DesignationFactory(year=2020, online_sales=Decimal("10.50"))
    client.force_login(city_user)

    sheet = openpyxl.load_workbook(io.BytesIO(export(client))).active
    rows = list(sheet.iter_rows(values_only=True))

    assert list(rows[0]) == headers()
    exported = dict(zip(rows[0], rows[1], strict=True))
    assert exported[column("place")] == GANGLI
    assert exported[column("kind")] == str(DesignationKind.VILLAGE.label)
    assert exported[column("year")] == 2020
    assert exported[column("source")] == "2020中国淘宝村研究报告"
    assert exported[column("online_sales")] == 10.5
    assert "id" not in rows[0]


def test_reimporting_a_changed_row_updates_it_instead_of_adding_one(client, city_user, source):
    designation = DesignationFactory(year=2020, online_shops=5)
    client.force_login(city_user)

    job = import_file(client, csv_file([a_row(online_shops="80", main_products="蜂蜜,蜂蜡")]), "d.csv")

    assert (job.rows_changed, job.rows_new) == (1, 0)
    designation.refresh_from_db()
    assert Designation.objects.count() == 1
    assert designation.online_shops == 80
    assert designation.main_products == "蜂蜜、蜂蜡"  # tidied by the service


def test_a_file_with_one_bad_row_writes_nothing_and_names_its_row_and_column(client, city_user, source):
    content = csv_file([
        a_row(year="2019"),
        a_row(year="二〇二〇"),
        a_row(year="2021", online_sales="-5"),
        a_row(year="2022"),
    ])
    client.force_login(city_user)

    response = preview(client, content, "d.csv")

    job = response.context["job"]
    assert [(row, set(columns)) for row, columns in problems(job).items()] == [
        (3, {column("year")}),
        (4, {column("online_sales")}),
    ]
    assert (job.state, job.rows_total, job.rows_bad, job.confirmable) == ("checked", 4, 2, False)
    page = response.content.decode()
    assert column("online_sales") in page
    assert 'name="confirm"' not in page
    assert Designation.objects.count() == 0


def test_confirming_a_file_with_a_bad_row_is_refused_and_writes_nothing(client, city_user, source):
    # A confirm request for a file with a bad row (a forged request: the page offers no
    # button) must not write the good rows either.
    client.force_login(city_user)
    job = preview(client, csv_file([a_row(year="2019"), a_row(place="长葛市/佛耳湖镇/不存在村")]),
                  "d.csv").context["job"]

    response = client.post(CONFIRM, {"job": job.pk})

    assert response.status_code == 302
    assert response.url == ADMIN.url("designation", "import_job", job.pk)
    assert [message.level_tag for message in response.wsgi_request._messages] == ["error"]
    job.refresh_from_db()
    assert (job.state, job.rows_written) == ("checked", 0)
    assert list(problems(job)) == [3] and column("place") in problems(job)[3]
    assert Designation.objects.count() == 0


def test_a_row_that_turned_bad_between_the_check_and_the_confirm_writes_nothing(client, city_user, source):
    client.force_login(city_user)
    job = preview(client, csv_file([a_row(year="2019"), a_row(year="2020")]), "d.csv").context["job"]
    assert job.confirmable
    SourceReport.objects.update(title="2020中国淘宝村研究报告（修订）")  # the file names the old title

    job = ADMIN.confirm(client, "designation", job).context["job"]

    assert (job.state, job.rows_written, job.confirmable) == ("checked", 0, False)
    assert {row: set(columns) for row, columns in problems(job).items()} == {
        2: {column("source")}, 3: {column("source")}}
    assert Designation.objects.count() == 0


def test_the_resource_alone_also_imports_all_or_nothing(city_user, source):
    dataset = CSV().create_dataset(csv_file([a_row(year="2019"), a_row(kind="淘宝县")]))

    result = DesignationResource(user=city_user).import_data(dataset, dry_run=False)

    assert [row.number for row in result.invalid_rows] == [3]
    assert Designation.objects.count() == 0


def test_a_gbk_encoded_csv_imports(client, city_user, source):
    client.force_login(city_user)

    import_file(client, csv_file([a_row(main_products="蜂蜜、蜂蜡、蜂机具")], encoding="gbk"), "gbk.csv")

    assert Designation.objects.get().main_products == "蜂蜜、蜂蜡、蜂机具"


def test_a_utf8_csv_with_a_bom_imports(client, city_user, source):
    client.force_login(city_user)

    import_file(client, csv_file([a_row(local_model="岗李模式")], bom=True), "bom.csv")

    assert Designation.objects.get().local_model == "岗李模式"


@pytest.mark.parametrize("file_format,name", [(XLSX_FORMAT, "f.xlsx"), (CSV_FORMAT, "f.csv")])
def test_an_exported_formula_is_written_as_text_and_reimports_as_the_original(
    client, city_user, file_format, name
):
    DesignationFactory(year=2020, main_products="=SUM(A1)", note="@cmd")
    client.force_login(city_user)

    content = export(client, file_format)

    if file_format == XLSX_FORMAT:
        [_header, cells] = openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows()
        assert all(cell.data_type != "f" for cell in cells)
        values = [cell.value for cell in cells]
    else:
        [_header, values] = csv.reader(io.StringIO(content.decode("utf-8-sig")))
    assert {"'=SUM(A1)", "'@cmd"} <= set(values)
    Designation.objects.all().delete()
    import_file(client, content, name)
    designation = Designation.objects.get()
    assert (designation.main_products, designation.note) == ("=SUM(A1)", "@cmd")


def test_an_unknown_place_is_a_row_error(client, city_user, source):
    client.force_login(city_user)

    response = preview(client, csv_file([a_row(place="长葛市/佛耳湖镇/无此村")]), "d.csv")

    [(row, errors)] = problems(response.context["job"]).items()
    assert (row, list(errors)) == (2, [column("place")])
    assert "无此村" in errors[column("place")][0]
    assert Designation.objects.count() == 0


def test_a_county_user_cannot_import_a_row_for_another_county(client, changge_user, source):
    village("禹州市", "示例镇", "示例村")
    client.force_login(changge_user)

    response = preview(client, csv_file([a_row(), a_row(place="禹州市/示例镇/示例村")]), "d.csv")

    job = response.context["job"]
    assert [(row, list(errors)) for row, errors in problems(job).items()] == [(3, [column("place")])]
    assert not job.confirmable
    assert Designation.objects.count() == 0


def test_a_county_user_cannot_overwrite_another_countys_row(client, changge_user, source):
    theirs = DesignationFactory(year=2020, place=village("禹州市", "示例镇", "示例村"), online_shops=1)
    client.force_login(changge_user)

    response = preview(client, csv_file([a_row(place="禹州市/示例镇/示例村", online_shops="99")]), "d.csv")

    assert list(problems(response.context["job"])) == [2]
    theirs.refresh_from_db()
    assert theirs.online_shops == 1


def test_a_county_user_exports_only_their_county(client, changge_user):
    DesignationFactory(year=2020)
    DesignationFactory(year=2020, place=village("禹州市", "示例镇", "示例村"))
    client.force_login(changge_user)

    lines = export(client, CSV_FORMAT).decode("utf-8-sig").splitlines()

    assert len(lines) == 2
    assert lines[1].startswith(GANGLI)


def test_a_wrong_kind_a_missing_source_and_a_bad_number_are_each_reported(client, city_user, source):
    client.force_login(city_user)
    content = csv_file([
        a_row(kind="淘宝县"),
        a_row(source="没有这份报告"),
        a_row(online_shops="3.5"),
        a_row(kind="town"),  # a Taobao town must be a township
    ])

    job = preview(client, content, "d.csv").context["job"]

    assert [(row, list(errors)) for row, errors in problems(job).items()] == [
        (2, [column("kind")]),
        (3, [column("source")]),
        (4, [column("online_shops")]),
        (5, [column("place")]),
    ]


def test_choices_are_read_by_label_or_stored_value_and_places_with_or_without_the_city(
    client, city_user, source
):
    client.force_login(city_user)
    with translation.override("en"):
        english_label = str(DesignationKind.TOWN.label)

    import_file(client, csv_file([
        a_row(year="2018", kind="village", place=f"许昌市/{GANGLI}"),
        a_row(year="2019", kind=english_label, place="长葛市/佛耳湖镇"),
    ]), "d.csv")

    assert sorted(Designation.objects.values_list("year", "kind")) == [(2018, "village"), (2019, "town")]


def test_a_file_with_headers_in_another_language_imports(client, city_user, source):
    client.force_login(city_user)
    with translation.override("en"):
        english = DesignationResource().get_export_headers()
    content = csv_file([a_row()]).decode("utf-8").splitlines()
    content[0] = ",".join(english)

    import_file(client, "\n".join(content).encode("utf-8"), "d.csv")

    assert Designation.objects.count() == 1


def test_blank_rows_are_skipped_and_do_not_shift_the_row_numbers(client, city_user, source):
    client.force_login(city_user)
    content = csv_file([a_row(year="2019"), {}, a_row(year="abc"), {}, {}])

    job = preview(client, content, "d.csv").context["job"]

    assert list(problems(job)) == [4]


def test_blank_rows_in_a_workbook_do_not_shift_the_row_numbers_either(client, city_user, source):
    client.force_login(city_user)
    names = list(DesignationResource().get_export_order())
    workbook = openpyxl.Workbook()
    workbook.active.append(headers())
    workbook.active.append([a_row(year="2019").get(name) for name in names])
    workbook.active.append([])
    workbook.active.append([a_row(year="abc").get(name) for name in names])
    out = io.BytesIO()
    workbook.save(out)

    job = preview(client, out.getvalue(), "d.xlsx").context["job"]

    assert sorted(problems(job)) == [4]


def test_a_row_after_blank_rows_is_kept_in_the_trail_with_its_row_in_the_file(client, city_user, source):
    client.force_login(city_user)

    import_file(client, csv_file([{}, {}, a_row()]), "d.csv")

    entry = LogEntry.objects.get(content_type__model="designation")
    assert (entry.additional_data["file"], entry.additional_data["row"]) == ("d.csv", 4)


def test_a_file_without_the_place_column_is_refused_with_a_message(client, city_user, source):
    client.force_login(city_user)

    response = preview(client, "年份,类型\n2020,淘宝村\n".encode(), "d.csv")

    job = response.context["job"]
    assert (job.state, job.confirmable) == ("refused", False)
    assert column("place") in job.reason
    assert job.reason in response.content.decode()
    assert Designation.objects.count() == 0


def test_a_user_without_the_import_permission_gets_403(client, city_user):
    viewer = User.objects.create_user("viewer", password=DEFAULT_PASSWORD, role=Role.CITY_STAFF,
                                      is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_designation"))
    client.force_login(viewer)

    assert client.get(reverse("admin:villages_designation_changelist")).status_code == 200
    assert client.get(IMPORT).status_code == 403
    assert preview(client, csv_file([a_row()]), "d.csv").status_code == 403
    assert client.post(CONFIRM, {}).status_code == 403
    assert not ImportJob.objects.exists()
    assert client.get(EXPORT).status_code == 403


def test_a_user_who_lost_the_import_permission_cannot_open_their_imports_page_or_workbook(
        client, changge_user, source):
    client.force_login(changge_user)
    job = preview(client, csv_file([a_row(year="二〇二〇")]), "d.csv").context["job"]
    changge_user.groups.clear()
    changge_user.user_permissions.set([Permission.objects.get(codename="view_designation")])
    client.force_login(User.objects.get(pk=changge_user.pk))

    assert client.get(ADMIN.url("designation", "import_job", job.pk)).status_code == 403
    assert client.get(ADMIN.url("designation", "import_errors", job.pk)).status_code == 403
    assert client.post(CONFIRM, {"job": job.pk}).status_code == 403


def test_staff_with_the_permissions_see_the_import_and_export_links(client, changge_user):
    client.force_login(changge_user)

    page = client.get(reverse("admin:villages_designation_changelist")).content.decode()

    assert IMPORT in page and EXPORT in page


def test_honours_import_a_county_by_its_statistical_code(client, city_user, source):
    client.force_login(city_user)
    content = csv_file(
        [{"place_code": "411082000000", "year": "2020", "title": "淘宝村百强县", "source": source.title}],
        resource=HonourResource,
    )

    ADMIN.import_file(client, "honour", content, "h.csv")

    honour = Honour.objects.get()
    assert (honour.place, honour.title, honour.source) == (region("长葛市"), "淘宝村百强县", source)


def test_a_place_and_a_code_that_disagree_are_a_row_error(city_user, source):
    dataset = CSV().create_dataset(csv_file(
        [{"place": "禹州市", "place_code": "411082000000", "year": "2020", "title": "百强县"}],
        resource=HonourResource,
    ))

    result = HonourResource(user=city_user).import_data(dataset, dry_run=True)

    assert [list(row.error_dict) for row in result.invalid_rows] == [[column("place", HonourResource)]]


def test_the_xlsx_format_reads_what_it_writes(city_user):
    DesignationFactory(year=2020, note="'quoted", main_products="-1")
    dataset = DesignationResource(user=city_user).export(force_native_type=True)

    again = XLSX().create_dataset(XLSX().export_data(dataset))

    assert again.headers == dataset.headers
    assert again[0][dataset.headers.index(column("note"))] == "'quoted"
    assert again[0][dataset.headers.index(column("main_products"))] == "-1"


def test_reimporting_an_honour_with_another_source_updates_it(city_user, source):
    honour = Honour.objects.create(place=region("长葛市"), year=2020, title="淘宝村百强县")
    dataset = CSV().create_dataset(csv_file(
        [{"place": "长葛市", "year": "2020", "title": "淘宝村百强县", "source": source.title}],
        resource=HonourResource,
    ))

    result = HonourResource(user=city_user).import_data(dataset)

    assert result.totals["update"] == 1
    honour.refresh_from_db()
    assert honour.source == source
    assert Honour.objects.count() == 1
