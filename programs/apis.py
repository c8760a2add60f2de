"""The open-data API of the plan's progress: anonymous, read-only, throttled, aggregates only."""
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from xuchang_ecom.common.apis import CSVRenderer, PublicAnonThrottle, PublicUserThrottle
from xuchang_ecom.regions.models import Level, Region

from .public import public_progress


class PublicApi(APIView):
    """Base of the open-data endpoints: anyone may read, each client is rate-limited."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicAnonThrottle, PublicUserThrottle]
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
        raise NotFound(f"No county-level division {value!r}.")
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
