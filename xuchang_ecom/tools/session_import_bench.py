"""Measure the bulk session import: rows per second, peak memory, the audit trail's cost,
and a bare bulk_create.

    manage.py bench_session_import --rows 100000 [--format csv|xlsx]

It generates a file of realistic rows (placeholder names, 示例…) in memory, creates the
platforms, bases, agencies, anchors and the city-staff user the rows need, imports the
file, and rolls everything back: the database is left as it was. The import is timed with
its audit trail (an entry per session, as in use) and, alternately, without it
(``disable_auditlog``), twice each; the figures are the means. Run it against the
database the figures are for (PostgreSQL: set DATABASE_URL).
"""
import csv
import gc
import io
import random
import resource
import secrets
import time
import tracemalloc
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from auditlog.context import disable_auditlog
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone, translation

from livestream import services
from livestream.importers.rows import COLUMNS
from livestream.importers.sessions import DEFAULT_BATCH_SIZE, session_bulk_import
from livestream.models import Agency, Anchor, Base, BaseKind, Platform, QuantityUnit, Session, SessionKind
from xuchang_ecom.accounts.models import Role, User
from xuchang_ecom.accounts.services import user_create
from xuchang_ecom.records.importexport.formats import CSV, XLSX
from xuchang_ecom.regions.models import Level, Region

PLATFORMS = ["淘宝直播", "抖音", "快手", "京东", "农购网", "微信视频号"]
CATEGORIES = ["发制品", "蜂产品", "花木", "陶瓷", "蔬菜", "食用菌"]
BASES, AGENCIES, ANCHORS = 10, 10, 200


def measure_session_import(*, rows: int, file_format: str = "csv",
                           batch_size: int = DEFAULT_BATCH_SIZE) -> dict[str, float]:
    """Import a generated file of ``rows`` sessions and a bare bulk_create of the same rows,
    all rolled back; returns the timings, rates and memory (see the module)."""
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        user, world = _world()
        typed = _typed_rows(rows, world)
        data = _csv_file(typed) if file_format == "csv" else _xlsx_file(typed)

        def run(dry_run: bool) -> Callable[[], Any]:
            return lambda: session_bulk_import(
                user=user, data=data, file_format=CSV() if file_format == "csv" else XLSX(), dry_run=dry_run,
                batch_size=batch_size,
            )

        result, first_s, rss = _measure(run(dry_run=False))
        if not result.ok or result.created != rows:
            raise CommandError("The generated file did not import: " + "; ".join(result.messages()[:5]))
        with disable_auditlog():
            _result, first_off_s, _rss = _measure(run(dry_run=False))
        _result, second_s, _rss = _measure(run(dry_run=False))
        with disable_auditlog():
            _result, second_off_s, _rss = _measure(run(dry_run=False))
        import_s, no_trail_s = (first_s + second_s) / 2, (first_off_s + second_off_s) / 2
        _result, dry_run_s, _rss = _measure(run(dry_run=True))
        tracemalloc.start()
        try:
            _measure(run(dry_run=False))
            traced_peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        bare = _bare_rows(typed)
        _none, bare_s, _rss = _measure(lambda: _bare_bulk_create(bare, batch_size))
        transaction.set_rollback(True)
    return {
        "file_mb": len(data) / 2**20, "import_s": import_s, "import_rows_s": rows / import_s, "rss_mb": rss / 2**20,
        "no_trail_s": no_trail_s, "no_trail_rows_s": rows / no_trail_s, "trail_s": import_s - no_trail_s,
        "trail_pct": (import_s - no_trail_s) / no_trail_s * 100,
        "dry_run_s": dry_run_s, "dry_run_rows_s": rows / dry_run_s, "traced_mb": traced_peak / 2**20,
        "bare_s": bare_s, "bare_rows_s": rows / bare_s, "ratio_to_bare": import_s / bare_s,
    }


def _world() -> tuple[User, dict[str, list]]:
    """A city-staff user and what the rows refer to, created where missing."""
    user = user_create(username=f"bench-{secrets.token_hex(4)}", password=None, role=Role.CITY_STAFF)
    places = list(Region.objects.filter(level__gt=Level.CITY))
    county = places[0]
    platforms = [
        Platform.objects.filter(name=name).first() or services.platform_create(name=name) for name in PLATFORMS
    ]
    bases = [
        Base.objects.filter(name=name).first()
        or services.base_create(user=user, name=name, region=county, kind=BaseKind.COMPREHENSIVE)
        for name in (f"示例直播基地{n:02d}" for n in range(1, BASES + 1))
    ]
    agencies = [
        Agency.objects.filter(organisation__name=name).first()
        or services.agency_create(user=user, name=name, region=county)
        for name in (f"示例直播机构{n:02d}" for n in range(1, AGENCIES + 1))
    ]
    anchors = [
        Anchor.objects.filter(display_name=name).first()
        or services.anchor_create(user=user, display_name=name, region=county)
        for name in (f"示例主播{n:03d}" for n in range(1, ANCHORS + 1))
    ]
    return user, {"places": places, "platforms": platforms, "bases": bases, "agencies": agencies,
                  "anchors": anchors}


def _measure(run: Callable[[], Any]) -> tuple[Any, float, int]:
    """``(what run returned, seconds, growth of the maximum resident set in bytes)``;
    ``run`` is rolled back."""
    gc.collect()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Foreign keys are checked at commit, which never comes here: check them as
            # rows go in (as the import does), so the times include what a commit costs.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        started = time.perf_counter()
        returned = run()
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    # Linux reports kilobytes.
    return returned, seconds, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024


def _typed_rows(rows: int, world: dict[str, list]) -> list[dict[str, Any]]:
    """The rows as model values: Session field values by attname, plus ``anchors``."""
    rng = random.Random(2020)  # the same file every time
    first = datetime(2020, 1, 1, tzinfo=timezone.get_default_timezone())
    kinds, units = list(SessionKind), list(QuantityUnit)
    typed = []
    for number in range(rows):
        quantity = Decimal(rng.randrange(1, 100_000)) / 10 if rng.random() < 0.6 else None
        typed.append({
            "started_at": first + timedelta(minutes=rng.randrange(4 * 365 * 24 * 60)),
            "platform": rng.choice(world["platforms"]),
            "region": rng.choice(world["places"]),
            "base": rng.choice(world["bases"]) if rng.random() < 0.5 else None,
            "agency": rng.choice(world["agencies"]) if rng.random() < 0.5 else None,
            "anchors": rng.sample(world["anchors"], rng.randrange(4)),
            "kind": rng.choice(kinds),
            "title": f"示例直播{number:06d}",
            "product_category": rng.choice(CATEGORIES),
            "orders": rng.randrange(5000),
            "sales": Decimal(rng.randrange(10_000_000)) / 100,
            "quantity": quantity,
            "quantity_unit": rng.choice(units) if quantity is not None else "",
        })
    return typed


def _cells(row: dict[str, Any]) -> list[Any]:
    """The row as a spreadsheet shows it, in the columns' order (native values)."""
    return [
        timezone.localtime(row["started_at"]).replace(tzinfo=None),
        row["platform"].name,
        row["region"].display_path,
        row["base"].name if row["base"] else None,
        row["agency"].organisation.name if row["agency"] else None,
        "、".join(anchor.display_name for anchor in row["anchors"]),
        str(SessionKind(row["kind"]).label),
        row["title"],
        row["product_category"],
        row["orders"],
        row["sales"],
        row["quantity"],
        str(QuantityUnit(row["quantity_unit"]).label) if row["quantity_unit"] else None,
    ]


def _headers() -> list[str]:
    return [str(Session._meta.get_field(name).verbose_name) for name in COLUMNS]


def _csv_file(typed: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_headers())
    for row in typed:
        cells = _cells(row)
        cells[0] = f"{cells[0]:%Y-%m-%d %H:%M}"
        writer.writerow(cells)
    return out.getvalue().encode("utf-8")


def _xlsx_file(typed: list[dict[str, Any]]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(_headers())
    for row in typed:
        cells = _cells(row)
        # Excel keeps numbers as floats.
        cells[10] = float(cells[10])
        cells[11] = float(cells[11]) if cells[11] is not None else None
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _bare_rows(typed: list[dict[str, Any]]) -> list[tuple[dict[str, Any], list[int]]]:
    """The rows as the import hands them to the database: values by attname, anchor ids."""
    return [
        ({"started_at": row["started_at"], "platform_id": row["platform"].pk, "region_id": row["region"].pk,
          "base_id": row["base"].pk if row["base"] else None, "agency_id": row["agency"].pk if row["agency"] else None,
          "kind": row["kind"], "title": row["title"], "product_category": row["product_category"],
          "orders": row["orders"], "sales": row["sales"], "quantity": row["quantity"],
          "quantity_unit": row["quantity_unit"]},
         [anchor.pk for anchor in row["anchors"]])
        for row in typed
    ]


def _bare_bulk_create(rows: list[tuple[dict[str, Any], list[int]]], batch_size: int) -> None:
    """What the import does minus reading and checking: instances, then bulk_create."""
    link = Session.anchors.through
    for start in range(0, len(rows), batch_size):
        batch = rows[start:start + batch_size]
        sessions = Session.objects.bulk_create([Session(**values) for values, _anchors in batch])
        link.objects.bulk_create(
            [link(session_id=session.pk, anchor_id=anchor)
             for session, (_values, anchors) in zip(sessions, batch, strict=True) for anchor in anchors],
            batch_size=batch_size,
        )
