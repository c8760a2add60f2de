"""The open-data API of the plan's progress: anonymous, read-only, throttled, aggregates only."""
from django.utils.translation import gettext
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
from xuchang_ecom.common.apis import CSVRenderer, PublicAnonThrottle, integer_schema, query_integer
from xuchang_ecom.common.pagination import StandardPagination
from xuchang_ecom.regions.models import Level, Region

from .public import public_dashboard, public_progress


class PublicApi(APIView):
    """Base of the open-data endpoints: anyone may read, each client is rate-limited."""

    # No authentication: every caller is anonymous, limited per client address.
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicAnonThrottle]
    renderer_classes = [JSONRenderer, CSVRenderer]


class ProgressOutputSerializer(serializers.Serializer):
    program = serializers.CharField()
    key = serializers.CharField(help_text="The metric's stable key, e.g. livestream.anchors_cultivated.")
    label = serializers.CharField()
    unit = serializers.CharField()
    target = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True,
                                      help_text="Null for an indicator without a target.")
    actual = serializers.DecimalField(max_digits=16, decimal_places=2)
    deadline = serializers.DateField(allow_null=True)
    percent = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    status = serializers.ChoiceField(choices=["met", "missed", "ahead", "on_track", "behind"], allow_null=True)
    status_label = serializers.CharField(allow_null=True)
    forecast = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    as_of = serializers.DateField(help_text="The date the figures describe.")
    computed_at = serializers.DateTimeField(help_text="When they were computed.")


def _county(value: str | None) -> Region | None:
    if not value:
        return None
    counties = Region.objects.filter(level=Level.COUNTY)
    county = counties.filter(code=value).first() or counties.filter(name=value).first()
    if county is None:
        raise NotFound(gettext("There is no county-level division “%(value)s”.") % {"value": value})
    return county


class ProgressApi(PublicApi):
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

    def filter_county(self, queryset):
        county = _county(self.request.query_params.get("county"))
        return queryset.filter(**{f"{self.region_field}__county": county}) if county else queryset


class DesignationPublicSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    kind = serializers.CharField()
    place = serializers.CharField(source="place.display_path")
    county = serializers.CharField(source="place.county.name", default=None, allow_null=True)
    main_products = serializers.CharField()
    online_shops = serializers.IntegerField(allow_null=True)
    source = serializers.CharField(source="source.title", default=None, allow_null=True)


class DesignationPublicListApi(PublicListApi):
    """Taobao village and town designations, by year (``?year=``) and kind (``?kind=village|town``)."""

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
    name = serializers.CharField()
    place = serializers.CharField(source="region.display_path")
    lead_industry = serializers.CharField()
    planned_on = serializers.DateField(allow_null=True)
    recognised_on = serializers.DateField(allow_null=True)
    revoked_on = serializers.DateField(allow_null=True)


class ClusterPublicListApi(PublicListApi):
    serializer_class = ClusterPublicSerializer

    @extend_schema(summary="Livestream industry clusters", parameters=[OpenApiParameter("county", str)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return self.filter_county(Cluster.objects.select_related("region").order_by("name"))


class BasePublicSerializer(serializers.Serializer):
    name = serializers.CharField()
    place = serializers.CharField(source="region.display_path")
    kind = serializers.CharField(source="get_kind_display")
    operator = serializers.CharField(source="operator.name", default=None, allow_null=True)
    opened_on = serializers.DateField(allow_null=True)
    closed_on = serializers.DateField(allow_null=True)
    committed_sessions_per_month = serializers.IntegerField(allow_null=True)


class BasePublicListApi(PublicListApi):
    serializer_class = BasePublicSerializer

    @extend_schema(summary="Livestream bases", parameters=[OpenApiParameter("county", str)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return self.filter_county(LivestreamBase.objects.select_related("region", "operator").order_by("name"))


class AgencyPublicSerializer(serializers.Serializer):
    name = serializers.CharField(source="organisation.name")
    unified_social_credit_code = serializers.CharField(source="organisation.uscc", default=None, allow_null=True)
    place = serializers.CharField(source="organisation.region.display_path")
    supported_on = serializers.DateField()
    support_batch = serializers.CharField()
    support_ended_on = serializers.DateField(allow_null=True)


class AgencyPublicListApi(PublicListApi):
    """Demonstration livestream agencies (those the bureau has supported)."""

    serializer_class = AgencyPublicSerializer
    region_field = "organisation__region"

    @extend_schema(summary="Demonstration livestream agencies", parameters=[OpenApiParameter("county", str)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        agencies = Agency.objects.filter(supported_on__isnull=False).select_related("organisation__region")
        return self.filter_county(agencies.order_by("supported_on", "organisation__name"))


class BrandPublicSerializer(serializers.Serializer):
    name = serializers.CharField()
    category = serializers.CharField()
    place = serializers.CharField(source="region.display_path")
    owner = serializers.CharField(source="owner.name", default=None, allow_null=True)
    incubated_on = serializers.DateField(allow_null=True)


class BrandPublicListApi(PublicListApi):
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


class DashboardTableApi(PublicApi):
    @extend_schema(
        summary="A table of the public dashboard",
        description="One of: " + ", ".join(DASHBOARD_TABLES) + ". Aggregates only.",
        parameters=[OpenApiParameter("format", str, enum=["json", "csv"])],
        responses={200: dict},
    )
    def get(self, request, name: str):
        table = DASHBOARD_TABLES.get(name)
        if table is None:
            raise NotFound(gettext("There is no table “%(name)s”; the tables are: %(tables)s.")
                           % {"name": name, "tables": ", ".join(DASHBOARD_TABLES)})
        return Response(table(public_dashboard()))
