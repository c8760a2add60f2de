"""The open data's catalogue: what the bureau publishes, under which names, how often, in
which formats; and the Chinese page (``/open-data/``) that lists it for the public."""
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

DAILY = _("Daily, and within minutes of a change to the records")
ON_CHANGE = _("As soon as the bureau changes a record")

FORMAT_LABELS = {"json": "JSON", "csv": "CSV", "xlsx": "Excel"}


@dataclass(frozen=True)
class DataSet:
    """One published data set: ``slug`` is its stable ASCII name (the table's name for a
    dashboard table, and the stem of the file a download is saved as)."""

    slug: str
    title: Promise
    description: Promise
    url_name: str
    kwargs: dict = field(default_factory=dict)
    frequency: Promise = DAILY
    formats: tuple[str, ...] = ("json", "csv")

    def url(self) -> str:
        return reverse(self.url_name, kwargs=self.kwargs)

    def links(self) -> list[dict]:
        """Each format's label and address, JSON first."""
        url = self.url()
        return [{"format": name, "label": FORMAT_LABELS[name], "url": url if name == "json" else f"{url}?format={name}"}
                for name in self.formats]

    @property
    def is_dashboard_table(self) -> bool:
        return self.url_name == "open-data:dashboard-table"

    def file_names(self, extension: str, day: date | None = None) -> tuple[str, str]:
        """The names a download of this data set is saved as, in the current language and in
        ASCII: ``("淘宝村和淘宝镇-2026-12-01.csv", "taobao-designations-2026-12-01.csv")``."""
        day = (day or timezone.localdate()).isoformat()
        stem = f"dashboard-{self.slug}" if self.is_dashboard_table else self.slug
        return f"{self.title}-{day}.{extension}", f"{stem}-{day}.{extension}"


def _table(slug: str, title: Promise, description: Promise) -> DataSet:
    return DataSet(slug, title, description, "open-data:dashboard-table", kwargs={"name": slug},
                   formats=("json", "csv", "xlsx"))


DATA_SETS: tuple[DataSet, ...] = (
    DataSet("plan-progress", _("Progress of the plan's targets"),
            _("Every target and indicator of the plan: actual figure, target, percent, status, forecast and date; "
              "for the city or one county-level division."), "open-data:progress"),
    DataSet("taobao-designations", _("Taobao villages and towns"),
            _("Every designation on Alibaba Research Institute's yearly lists: year, village or town, place, main "
              "products, online shops."), "open-data:designations", frequency=ON_CHANGE),
    DataSet("livestream-clusters", _("Livestream industry clusters"),
            _("The livestream e-commerce industry clusters: place, lead industry, dates planned, recognised and "
              "revoked."), "open-data:clusters", frequency=ON_CHANGE),
    DataSet("livestream-bases", _("Livestream bases"),
            _("Livestream bases and check-in bases: place, kind, operator, dates opened and closed, livestreams "
              "committed per month."), "open-data:bases", frequency=ON_CHANGE),
    DataSet("livestream-agencies", _("Demonstration livestream agencies"),
            _("The livestream agencies the bureau has supported: place, unified social credit code, batch and "
              "dates."), "open-data:agencies", frequency=ON_CHANGE),
    DataSet("influencer-brands", _("Influencer brands"),
            _("The influencer brands incubated: category, place, owner, date incubated."), "open-data:brands",
            frequency=ON_CHANGE),
    _table("counties", _("Progress by county-level division"),
           _("The dashboard's table of each target and indicator by county-level division.")),
    _table("villages-by-year", _("Taobao villages and towns by year"),
           _("How many Taobao villages and towns each year's list named.")),
    _table("villages-by-county", _("Taobao villages and towns by county-level division"),
           _("The latest list's Taobao villages and towns in each county-level division.")),
    _table("honours", _("Taobao village honours"),
           _("The honours on Alibaba Research Institute's lists (top-100 villages, top-100 counties).")),
    _table("livestream-by-month", _("Livestream activity per month"),
           _("Livestream sessions, public-welfare and cross-border sessions, orders and sales, per month.")),
    _table("livestream-by-platform", _("Livestream activity by platform"),
           _("Livestream sessions and sales on each platform.")),
    _table("livestream-by-kind", _("Livestream activity by kind"),
           _("Livestream sessions and sales by kind: commercial, public-welfare, cross-border.")),
)

#: The open data's OpenAPI schema (/api/v1/schema/), apart from the staff API's.
OPEN_DATA_SCHEMA_SETTINGS = {
    "TITLE": "许昌市电子商务项目平台 开放数据接口",
    "DESCRIPTION": (
        "许昌市商务局公开的电子商务数据：规划目标进度、公开名录和数据看板的各张表。"
        "无需登录，只读，按访问地址限速；每个接口可返回 JSON 或 CSV（?format=csv，UTF-8 带 BOM），"
        "看板表格另可返回 Excel（?format=xlsx）。数据目录见 /api/v1/，面向公众的说明见 /open-data/。"
    ),
}

DATA_SETS_BY_SLUG = {data_set.slug: data_set for data_set in DATA_SETS}
DASHBOARD_DATA_SETS = [data_set for data_set in DATA_SETS if data_set.is_dashboard_table]


def open_data_licence() -> str:
    """The terms the data are published under (``OPEN_DATA_LICENCE``)."""
    return str(settings.OPEN_DATA_LICENCE)


@require_safe
def open_data_view(request):
    """The open data for people: each data set with its description, downloads, update
    frequency, and the licence; the API documentation for developers."""
    # Like the dashboard: Chinese unless the link asks for English, so the page is the same
    # for every visitor in a language and caches may share it (public_base.html sets no cookie).
    language = "en" if request.GET.get("lang") == "en" else settings.LANGUAGE_CODE
    with translation.override(language):
        response = render(request, "programs/open_data.html", {
            "groups": [
                (_("The plan's progress and the public registries"),
                 [data_set for data_set in DATA_SETS if data_set not in DASHBOARD_DATA_SETS]),
                (_("The public dashboard's tables"), DASHBOARD_DATA_SETS),
            ],
            "licence": open_data_licence(),
            # Where the header's language link leads: this page in the other language.
            "public_path": request.path,
        })
    response["Content-Language"] = language
    patch_cache_control(response, public=True, max_age=300)
    return response
