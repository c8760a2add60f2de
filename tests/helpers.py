"""Helpers the registries' tests share: their admin pages, and spreadsheets built from a
resource's columns and imported through it."""
import csv
import io

import openpyxl
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from xuchang_ecom.records.importexport.formats import CSV

# The positions of the formats on the admin's import and export forms
# (settings.IMPORT_EXPORT_FORMATS).
XLSX_FORMAT, CSV_FORMAT = "0", "1"


class AdminPages:
    """The admin pages of one app's registries, named by model: e.g.
    ``AdminPages("poverty").url("household", "change", pk)``."""

    def __init__(self, app_label: str):
        self.app_label = app_label

    def url(self, model_name: str, view: str, *args) -> str:
        return reverse(f"admin:{self.app_label}_{model_name}_{view}", args=args)

    def listed(self, client, model_name: str, **params) -> list:
        """The rows the change list shows ``client``, with ``params`` in its query string."""
        response = client.get(self.url(model_name, "changelist"), params)
        assert response.status_code == 200
        return list(response.context["cl"].result_list)

    def export(self, client, model_name: str, file_format=XLSX_FORMAT) -> bytes:
        """The export file of every column, as the export page gives it to ``client``."""
        url = self.url(model_name, "export")
        form = client.get(url).context["form"]
        data = {"format": file_format, "resource": "0"}
        data.update(
            {name: "on" for name, field in form.fields.items() if getattr(field, "is_selectable_field", False)}
        )
        response = client.post(url, data)
        assert response.status_code == 200
        return response.content

    def preview(self, client, model_name: str, content: bytes, name="import.csv"):
        """Upload ``content`` to the import page and follow it to the job's page (tasks run
        in-process in the tests, so the check is done); returns that page's response, whose
        context has the ``job``. A refused upload returns the upload page with its form."""
        upload = io.BytesIO(content)
        upload.name = name
        file_format = XLSX_FORMAT if name.endswith(".xlsx") else CSV_FORMAT
        return client.post(self.url(model_name, "import"),
                           {"format": file_format, "resource": "0", "import_file": upload}, follow=True)

    def confirm(self, client, model_name: str, job):
        """Confirm a checked job; returns the job's page after the import."""
        return client.post(self.url(model_name, "process_import"), {"job": job.pk}, follow=True)

    def import_file(self, client, model_name: str, content: bytes, name="import.csv"):
        """Check then confirm; returns the job once imported."""
        job = self.preview(client, model_name, content, name).context["job"]
        assert job.confirmable, (job.state, job.reason, job.errors)
        job = self.confirm(client, model_name, job).context["job"]
        assert job.state == "done", (job.state, job.reason, job.errors)
        return job


def problems(job) -> dict[int, dict[str, list[str]]]:
    """A job's listed problems as ``{row: {column: [message, …]}}``."""
    found: dict[int, dict[str, list[str]]] = {}
    for row, column, message in job.errors:
        found.setdefault(row, {}).setdefault(column, []).append(message)
    return found


def column(resource, name: str) -> str:
    """The header of a resource field as the admin (in the default language) writes it."""
    with translation.override(settings.LANGUAGE_CODE):
        return resource().fields[name].column_name


def csv_file(resource, rows: list[dict]) -> bytes:
    """A CSV with the resource's headers; ``rows`` are keyed by resource field name."""
    with translation.override(settings.LANGUAGE_CODE):
        names = list(resource().get_export_order())
        headers = list(resource().get_export_headers())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(name, "") for name in names])
    return out.getvalue().encode("utf-8")


def exported_rows(content: bytes) -> list[dict]:
    """The rows of an exported .xlsx, keyed by header."""
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def run(resource, user, rows: list[dict], dry_run=False):
    """Import ``rows`` (see ``csv_file``) through ``resource`` as ``user``; returns the result."""
    return resource(user=user).import_data(CSV().create_dataset(csv_file(resource, rows)), dry_run=dry_run)


def run_at_once(action, times: int = 2) -> list:
    """Run ``action()`` in ``times`` threads released together (two workers, two browser
    tabs); returns what each returned. Raises the first error any of them raised. Each
    thread closes its database connections, so the test database can be dropped."""
    import threading

    from django.db import connections

    results, errors, barrier = [], [], threading.Barrier(times)

    def run():
        try:
            barrier.wait()
            results.append(action())
        except Exception as error:  # re-raised below, in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results
