"""The open-data API: anonymous, read-only, throttled. The plan's progress and the dashboard's
tables (aggregates), and the lists the registries publish (Taobao villages and towns,
clusters, bases, agencies, brands: organisations and places, never a person)."""
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.plumbing import build_array_type, build_object_type
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from livestream.models import Agency, Brand, Cluster
from livestream.models import Base as LivestreamBase
from villages.models import Designation
from xuchang_ecom.common.pagination import StandardPagination
from xuchang_ecom.records.apis import (
    CSVRenderer,
    PublicAnonThrottle,
    XLSXRenderer,
    download_disposition,
    integer_schema,
    query_integer,
)
from xuchang_ecom.regions.models import Level, Region

from .opendata import DATA_SETS, DATA_SETS_BY_SLUG, DataSet, open_data_licence
from .public import public_dashboard, public_progress


class PublicApi(APIView):
    """Base of the open-data endpoints: anyone may read, each client is rate-limited."""

    # No authentication: every caller is anonymous, limited per client address.
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicAnonThrottle]
    renderer_classes = [JSONRenderer, CSVRenderer]
    #: The catalogue's name of what this endpoint serves (``xuchang_ecom.site.opendata.DATA_SETS``):
    #: a download is saved under its name.
    data_set_slug: str | None = None

    def get_data_set(self) -> DataSet | None:
        return DATA_SETS_BY_SLUG.get(self.data_set_slug)

    def get_column_labels(self) -> dict:
        """The column headers of a download (CSV, Excel), by key: the JSON keys stay as they are."""
        return {}

    def get_renderer_context(self):
        context = super().get_renderer_context()
        context["column_labels"] = self.get_column_labels()
        data_set = self.get_data_set()
        if data_set is not None:
            context["sheet_title"] = data_set.title
        return context

    def handle_exception(self, exc):
        # An error is told in JSON, also to ?format=csv: a file saved under the data's name
        # holding an error message would pass for the data.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        renderer = getattr(request, "accepted_renderer", None)
        data_set = self.get_data_set()
        if data_set is not None and renderer is not None and renderer.format != "json" and response.status_code == 200:
            name, fallback = data_set.file_names(renderer.format)
            response["Content-Disposition"] = download_disposition(name=name, fallback=fallback)
        return response


def serializer_labels(serializer: serializers.Serializer) -> dict:
    """Each field's label, by its name."""
    return {name: field.label for name, field in serializer.fields.items()}


class ProgressOutputSerializer(serializers.Serializer):
    program = serializers.CharField(label=_("Programme"))
    key = serializers.CharField(label=_("Metric key"),
                                help_text="The metric's stable key, e.g. livestream.anchors_cultivated.")
    label = serializers.CharField(label=_("Target or indicator"))
    unit = serializers.CharField(label=_("Unit"))
    target = serializers.DecimalField(label=_("Target"), max_digits=16, decimal_places=2, allow_null=True,
                                      help_text="Null for an indicator without a target.")
    actual = serializers.DecimalField(label=_("Actual"), max_digits=16, decimal_places=2)
    deadline = serializers.DateField(label=_("Deadline"), allow_null=True)
    percent = serializers.DecimalField(label=_("Percent of target"), max_digits=8, decimal_places=1, allow_null=True)
    status = serializers.ChoiceField(label=_("Status code"), choices=["met", "missed", "ahead", "on_track", "behind"],
                                     allow_null=True)
    status_label = serializers.CharField(label=_("Status"), allow_null=True)
    forecast = serializers.DecimalField(label=_("Forecast at the deadline"), max_digits=16, decimal_places=2,
                                        allow_null=True)
    as_of = serializers.DateField(label=_("Data as of"), help_text="The date the figures describe.")
    computed_at = serializers.DateTimeField(label=_("Computed at"), help_text="When they were computed.")


def _county(value: str | None) -> Region | None:
    if not value:
        return None
    counties = Region.objects.filter(level=Level.COUNTY)
    county = counties.filter(code=value).first() or counties.filter(name=value).first()
    if county is None:
        raise NotFound(gettext("There is no county-level division “%(value)s”.") % {"value": value})
    return county


class ProgressApi(PublicApi):
    data_set_slug = "plan-progress"

    def get_column_labels(self) -> dict:
        return serializer_labels(ProgressOutputSerializer())

    @extend_schema(
        summary="Progress of the plan's targets and indicators",
        parameters=[
            OpenApiParameter("county", str, description="A county-level division by name (长葛市) or 12-digit code."),
            OpenApiParameter("format", str, enum=["json", "csv"], description="csv: UTF-8 with BOM, for Excel."),
        ],
        responses=ProgressOutputSerializer(many=True),
        examples=[OpenApiExample("Anchors", response_only=True, value=[{
            "program": "许昌市直播电商发展行动方案(2020—2022年)", "key": "livestream.anchors_cultivated",
            "label": "培育带货达人", "unit": "人", "target": "1000.00", "actual": "612.00", "deadline": "2022-12-31",
            "percent": "61.2", "status": "behind", "status_label": "落后", "forecast": "905.00",
            "as_of": "2022-06-30", "computed_at": "2022-07-01T01:30:00+08:00",
        }])],
    )
    def get(self, request):
        rows = public_progress(county=_county(request.query_params.get("county")))
        return Response(ProgressOutputSerializer(rows, many=True).data)


# ---------------------------------------------------------------------------------------
# Registries that are public by nature: lists without personal fields
# ---------------------------------------------------------------------------------------


class PublicPagination(StandardPagination):
    page_size = 50
    max_page_size = 200


class PublicListApi(PublicApi, generics.ListAPIView):
    """A public registry: paginated, filterable by county (``?county=`` name or code)."""

    pagination_class = PublicPagination
    filter_backends = []
    #: The lookup from a row to its region node.
    region_field = "region"

    def get_column_labels(self) -> dict:
        return serializer_labels(self.get_serializer())

    def paginate_queryset(self, queryset):
        # A download (CSV) is the whole registry, a few hundred rows, not its first page.
        renderer = getattr(self.request, "accepted_renderer", None)
        if renderer is not None and renderer.format != "json":
            return None
        return super().paginate_queryset(queryset)

    def filter_county(self, queryset):
        county = _county(self.request.query_params.get("county"))
        return queryset.filter(**{f"{self.region_field}__county": county}) if county else queryset


class DesignationPublicSerializer(serializers.Serializer):
    year = serializers.IntegerField(label=_("Year"))
    kind = serializers.CharField(label=_("Village or town"))
    place = serializers.CharField(label=_("Place"), source="place.display_path")
    county = serializers.CharField(label=_("County-level division"), source="place.county.name", default=None,
                                   allow_null=True)
    main_products = serializers.CharField(label=_("Main products"))
    online_shops = serializers.IntegerField(label=_("Online shops"), allow_null=True)
    source = serializers.CharField(label=_("Source"), source="source.title", default=None, allow_null=True)


class DesignationPublicListApi(PublicListApi):
    """Taobao village and town designations, by year (``?year=``) and kind (``?kind=village|town``)."""

    data_set_slug = "taobao-designations"
    serializer_class = DesignationPublicSerializer
    region_field = "place"

    @extend_schema(summary="Taobao village and town designations", parameters=[
        OpenApiParameter("county", str), OpenApiParameter("year", integer_schema(minimum=1, maximum=9999)),
        OpenApiParameter("kind", str, enum=["village", "town"])])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        rows = Designation.objects.select_related("place__county", "source").order_by("-year", "place__path")
        params = self.request.query_params
        year = query_integer(self.request, "year", min_value=1, max_value=9999)
        if year is not None:
            rows = rows.filter(year=year)
        if params.get("kind") in ("village", "town"):
            rows = rows.filter(kind=params["kind"])
        return self.filter_county(rows)


class ClusterPublicSerializer(serializers.Serializer):
    name = serializers.CharField(label=_("Name"))
    place = serializers.CharField(label=_("Place"), source="region.display_path")
    lead_industry = serializers.CharField(label=_("Lead industry"))
    planned_on = serializers.DateField(label=_("Planned on"), allow_null=True)
    recognised_on = serializers.DateField(label=_("Recognised on"), allow_null=True)
    revoked_on = serializers.DateField(label=_("Revoked on"), allow_null=True)


class ClusterPublicListApi(PublicListApi):
    data_set_slug = "livestream-clusters"
    serializer_class = ClusterPublicSerializer

    @extend_schema(summary="Livestream industry clusters", parameters=[OpenApiParameter("county", str)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return self.filter_county(Cluster.objects.select_related("region").order_by("name"))


class BasePublicSerializer(serializers.Serializer):
    name = serializers.CharField(label=_("Name"))
    place = serializers.CharField(label=_("Place"), source="region.display_path")
    kind = serializers.CharField(label=_("Kind"), source="get_kind_display")
    operator = serializers.CharField(label=_("Operator"), source="operator.name", default=None, allow_null=True)
    opened_on = serializers.DateField(label=_("Opened on"), allow_null=True)
    closed_on = serializers.DateField(label=_("Closed on"), allow_null=True)
    committed_sessions_per_month = serializers.IntegerField(label=_("Livestreams committed per month"), allow_null=True)


class BasePublicListApi(PublicListApi):
    data_set_slug = "livestream-bases"
    serializer_class = BasePublicSerializer

    @extend_schema(summary="Livestream bases", parameters=[OpenApiParameter("county", str)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return self.filter_county(LivestreamBase.objects.select_related("region", "operator").order_by("name"))


class AgencyPublicSerializer(serializers.Serializer):
    name = serializers.CharField(label=_("Name"), source="organisation.name")
    unified_social_credit_code = serializers.CharField(label=_("Unified social credit code"),
                                                       source="organisation.uscc", default=None, allow_null=True)
    place = serializers.CharField(label=_("Place"), source="organisation.region.display_path")
    supported_on = serializers.DateField(label=_("Supported on"))
    support_batch = serializers.CharField(label=_("Support batch"))
    support_ended_on = serializers.DateField(label=_("Support ended on"), allow_null=True)


class AgencyPublicListApi(PublicListApi):
    """Demonstration livestream agencies (those the bureau has supported)."""

    data_set_slug = "livestream-agencies"
    serializer_class = AgencyPublicSerializer
    region_field = "organisation__region"

    @extend_schema(summary="Demonstration livestream agencies", parameters=[OpenApiParameter("county", str)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        agencies = Agency.objects.filter(supported_on__isnull=False).select_related("organisation__region")
        return self.filter_county(agencies.order_by("supported_on", "organisation__name"))


class BrandPublicSerializer(serializers.Serializer):
    name = serializers.CharField(label=_("Name"))
    category = serializers.CharField(label=_("Category"))
    place = serializers.CharField(label=_("Place"), source="region.display_path")
    owner = serializers.CharField(label=_("Owner"), source="owner.name", default=None, allow_null=True)
    incubated_on = serializers.DateField(label=_("Incubated on"), allow_null=True)


class BrandPublicListApi(PublicListApi):
    data_set_slug = "influencer-brands"
    serializer_class = BrandPublicSerializer

    @extend_schema(summary="Influencer brands", parameters=[OpenApiParameter("county", str)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return self.filter_county(Brand.objects.select_related("region", "owner").order_by("name"))


# ---------------------------------------------------------------------------------------
# The dashboard's tables, as JSON or CSV
# ---------------------------------------------------------------------------------------


def _county_table(data: dict) -> list[dict]:
    labels = [row["key"] for row in data["targets"]] + [row["key"] for row in data["indicators"]]
    return [{"county": county["name"], **dict(zip(labels, county["targets"] + county["indicators"], strict=True)),
             "kind": county["kind"]}
            for county in data["counties"]]


DASHBOARD_TABLES = {
    "villages-by-year": lambda data: data["villages"]["by_year"],
    "villages-by-county": lambda data: data["villages"]["by_county"],
    "honours": lambda data: data["villages"]["honours"],
    "livestream-by-month": lambda data: data["livestream"]["monthly"],
    "livestream-by-platform": lambda data: data["livestream"]["by_platform"],
    "livestream-by-kind": lambda data: data["livestream"]["by_kind"],
    "counties": _county_table,
}


#: The column headers of each table's downloads, by key (the counties' table adds each
#: target's and indicator's own label).
DASHBOARD_COLUMNS = {
    "villages-by-year": {"year": _("Year"), "villages": _("Taobao villages"), "towns": _("Taobao towns")},
    "villages-by-county": {"county": _("County-level division"), "villages": _("Taobao villages"),
                           "towns": _("Taobao towns")},
    "honours": {"year": _("Year"), "title": _("Honour"), "place_name": _("Place")},
    "livestream-by-month": {"month": _("Month"), "sessions": _("Sessions"), "orders": _("Orders"),
                            "sales": _("Sales (yuan)"), "welfare": _("Public-welfare sessions"),
                            "cross_border": _("Cross-border sessions")},
    "livestream-by-platform": {"platform_name": _("Platform"), "sessions": _("Sessions"), "sales": _("Sales (yuan)")},
    "livestream-by-kind": {"kind": _("Kind"), "sessions": _("Sessions"), "sales": _("Sales (yuan)"),
                           "kind_code": _("Kind code")},
    # kind: county, city_level (市本级: held at city level) or total (合计), for machines.
    "counties": {"county": _("County-level division"), "kind": _("Row kind")},
}


class DashboardTableApi(PublicApi):
    renderer_classes = [JSONRenderer, CSVRenderer, XLSXRenderer]
    column_labels: dict = {}

    def get_column_labels(self) -> dict:
        return self.column_labels

    @extend_schema(
        summary="A table of the public dashboard",
        description="One of: " + ", ".join(DASHBOARD_TABLES) + ". Aggregates only.",
        parameters=[OpenApiParameter("name", str, OpenApiParameter.PATH, enum=list(DASHBOARD_TABLES)),
                    OpenApiParameter("format", str, enum=["json", "csv", "xlsx"],
                                     description="csv: UTF-8 with BOM; xlsx: an Excel workbook. "
                                                 "Both with Chinese column headers.")],
        # Every table is a list of rows, each an object of its columns.
        responses={200: build_array_type(build_object_type(additionalProperties=True))},
    )
    def get(self, request, name: str):
        table = DASHBOARD_TABLES.get(name)
        if table is None:
            raise NotFound(gettext("There is no table “%(name)s”; the tables are: %(tables)s.")
                           % {"name": name, "tables": ", ".join(DASHBOARD_TABLES)})
        data = public_dashboard()
        self.data_set_slug = name
        self.column_labels = dict(DASHBOARD_COLUMNS[name])
        if name == "counties":
            self.column_labels.update((row["key"], row["label"]) for row in data["targets"] + data["indicators"])
        return Response(table(data))


# ---------------------------------------------------------------------------------------
# The catalogue: what /api/v1/ offers
# ---------------------------------------------------------------------------------------


class DataSetOutputSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Stable ASCII name, e.g. taobao-designations.")
    title = serializers.CharField()
    description = serializers.CharField()
    update_frequency = serializers.CharField()
    formats = serializers.DictField(child=serializers.URLField(), help_text="The address of each format.")


class OpenDataIndexOutputSerializer(serializers.Serializer):
    title = serializers.CharField()
    page = serializers.URLField(help_text="The open data's page for people, in Chinese.")
    documentation = serializers.URLField(help_text="These endpoints' interactive documentation.")
    schema = serializers.URLField(help_text="Their OpenAPI schema.")
    licence = serializers.CharField()
    data_sets = DataSetOutputSerializer(many=True)


class OpenDataIndexApi(PublicApi):
    """The open data's entry point: every data set with its addresses, and the licence; as
    CSV, one row per data set."""

    @extend_schema(summary="The open data's catalogue", tags=["catalogue"], responses=OpenDataIndexOutputSerializer,
                   parameters=[OpenApiParameter("format", str, enum=["json", "csv"])])
    def get(self, request):
        def absolute(url: str) -> str:
            return request.build_absolute_uri(url)

        data_sets = [{
            "name": data_set.slug, "title": data_set.title, "description": data_set.description,
            "update_frequency": data_set.frequency,
            "formats": {link["format"]: absolute(link["url"]) for link in data_set.links()},
        } for data_set in DATA_SETS]
        if request.accepted_renderer.format == "csv":
            rows = DataSetOutputSerializer(data_sets, many=True).data
            return Response([{**{key: row[key] for key in row if key != "formats"}, **row["formats"]} for row in rows])
        return Response(OpenDataIndexOutputSerializer({
            "title": gettext("Open data"),
            "page": absolute(reverse("open-data")),
            "documentation": absolute(reverse("open-data-docs")),
            "schema": absolute(reverse("open-data-schema")),
            "licence": open_data_licence(),
            "data_sets": data_sets,
        }).data)
