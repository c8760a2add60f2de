"""Staff REST API for anchors and livestream sessions: thin views over selectors and services."""
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from xuchang_ecom.common.pagination import LargeTablePagination
from xuchang_ecom.records.apis import (
    CountyFilter,
    IdFilter,
    PersonalDataApiMixin,
    RegistryPermissions,
    ScopedPrimaryKeyRelatedField,
    call_service,
)
from xuchang_ecom.regions.models import Region

from . import selectors, services
from .models import Agency, Anchor, Base, Platform, Session, SessionKind


class AnchorOutputSerializer(serializers.ModelSerializer):
    place_path = serializers.CharField(source="region.display_path", read_only=True)
    agency_name = serializers.CharField(
        source="agency.organisation.name", read_only=True, default=None, allow_null=True,
    )
    real_name = serializers.SerializerMethodField()
    mobile = serializers.SerializerMethodField()
    accounts = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Anchor
        fields = ["id", "display_name", "real_name", "mobile", "region", "place_path", "agency", "agency_name",
                  "cultivated_on", "left_on", "status", "accounts"]

    def _personal(self, anchor) -> dict[str, str]:
        return selectors.anchor_personal_data(user=self.context["request"].user, anchor=anchor)

    def get_real_name(self, anchor) -> str:
        return self._personal(anchor)["real_name"]

    def get_mobile(self, anchor) -> str:
        return self._personal(anchor)["mobile"]

    def get_accounts(self, anchor) -> list[dict[str, str]]:
        return [{"platform": a.platform.name, "account": a.account} for a in anchor.accounts.all()]


class AnchorInputSerializer(serializers.Serializer):
    display_name = serializers.CharField(max_length=50)
    region = ScopedPrimaryKeyRelatedField(queryset=Region.objects.all())
    real_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    mobile = serializers.CharField(max_length=20, required=False, allow_blank=True)
    agency = ScopedPrimaryKeyRelatedField(queryset=Agency.objects.all(), required=False, allow_null=True)
    cultivated_on = serializers.DateField(required=False, allow_null=True)
    left_on = serializers.DateField(required=False, allow_null=True)


class AnchorFilter(filters.FilterSet):
    county = CountyFilter(field_name="region")
    agency = IdFilter(field_name="agency_id")
    cultivated_from = filters.DateFilter(field_name="cultivated_on", lookup_expr="gte")
    cultivated_to = filters.DateFilter(field_name="cultivated_on", lookup_expr="lte")
    active = filters.BooleanFilter(field_name="left_on", lookup_expr="isnull")

    class Meta:
        model = Anchor
        fields = ["county", "agency", "cultivated_from", "cultivated_to", "active"]


class AnchorListCreateApi(PersonalDataApiMixin, generics.ListAPIView):
    permission_classes = [RegistryPermissions]
    serializer_class = AnchorOutputSerializer
    filterset_class = AnchorFilter

    def get_queryset(self):
        return selectors.anchor_list(user=self.request.user)

    @extend_schema(request=AnchorInputSerializer, responses={201: AnchorOutputSerializer})
    def post(self, request):
        serializer = AnchorInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        anchor = call_service(services.anchor_create, user=request.user, **serializer.validated_data)
        anchor = selectors.anchor_get(user=request.user, pk=anchor.pk)
        return Response(AnchorOutputSerializer(anchor, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class AnchorDetailApi(PersonalDataApiMixin, generics.RetrieveAPIView):
    permission_classes = [RegistryPermissions]
    serializer_class = AnchorOutputSerializer
    queryset = Anchor.objects.none()

    def get_object(self):
        return selectors.anchor_get(user=self.request.user, pk=self.kwargs["pk"])


class SessionOutputSerializer(serializers.ModelSerializer):
    platform_name = serializers.CharField(source="platform.name", read_only=True)
    place_path = serializers.CharField(source="region.display_path", read_only=True)
    base_name = serializers.CharField(source="base.name", read_only=True, default=None, allow_null=True)
    agency_name = serializers.CharField(
        source="agency.organisation.name", read_only=True, default=None, allow_null=True,
    )
    # A method field, not source="get_kind_display": DRF inspects a callable source's
    # signature on every row, a fifth of the time of a 100-row page.
    kind_display = serializers.SerializerMethodField()
    anchor_names = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = ["id", "started_at", "platform", "platform_name", "region", "place_path", "base", "base_name",
                  "agency", "agency_name", "anchors", "anchor_names", "kind", "kind_display", "title",
                  "product_category", "orders", "sales", "quantity", "quantity_unit"]

    def get_kind_display(self, session) -> str:
        return session.get_kind_display()

    def get_anchor_names(self, session) -> list[str]:
        return [anchor.display_name for anchor in session.anchors.all()]


class SessionInputSerializer(serializers.Serializer):
    started_at = serializers.DateTimeField()
    platform = ScopedPrimaryKeyRelatedField(queryset=Platform.objects.all())
    region = ScopedPrimaryKeyRelatedField(queryset=Region.objects.all())
    kind = serializers.ChoiceField(choices=SessionKind.choices)
    base = ScopedPrimaryKeyRelatedField(queryset=Base.objects.all(), required=False, allow_null=True)
    agency = ScopedPrimaryKeyRelatedField(queryset=Agency.objects.all(), required=False, allow_null=True)
    anchors = ScopedPrimaryKeyRelatedField(queryset=Anchor.objects.all(), many=True, required=False)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    product_category = serializers.CharField(max_length=50, required=False, allow_blank=True)
    orders = serializers.IntegerField(min_value=0, required=False)
    sales = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0, required=False)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=0, required=False, allow_null=True)
    quantity_unit = serializers.CharField(max_length=10, required=False, allow_blank=True)


class SessionFilter(filters.FilterSet):
    county = CountyFilter(field_name="region")
    platform = IdFilter(field_name="platform_id")
    kind = filters.ChoiceFilter(choices=SessionKind.choices)
    started_from = filters.DateFilter(field_name="started_at", lookup_expr="date__gte")
    started_to = filters.DateFilter(field_name="started_at", lookup_expr="date__lte")

    class Meta:
        model = Session
        fields = ["county", "platform", "kind", "started_from", "started_to"]


class SessionListCreateApi(generics.ListAPIView):
    permission_classes = [RegistryPermissions]
    serializer_class = SessionOutputSerializer
    filterset_class = SessionFilter
    # A province holds millions of sessions: no page counts them all.
    pagination_class = LargeTablePagination

    def get_queryset(self):
        return selectors.session_list(user=self.request.user)

    @extend_schema(request=SessionInputSerializer, responses={201: SessionOutputSerializer})
    def post(self, request):
        serializer = SessionInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        session = call_service(services.session_create, user=request.user, **serializer.validated_data)
        session = selectors.session_get(user=request.user, pk=session.pk)
        return Response(SessionOutputSerializer(session).data, status=status.HTTP_201_CREATED)


class SessionDetailApi(generics.RetrieveAPIView):
    permission_classes = [RegistryPermissions]
    serializer_class = SessionOutputSerializer
    queryset = Session.objects.none()

    def get_object(self):
        return selectors.session_get(user=self.request.user, pk=self.kwargs["pk"])
