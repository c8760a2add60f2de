"""Staff REST API for designations: thin views over the selectors and services."""
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from xuchang_ecom.records.apis import (
    CountyFilter,
    RegistryPermissions,
    ScopedPrimaryKeyRelatedField,
    YearFilter,
    call_service,
)
from xuchang_ecom.regions.models import Region

from . import selectors, services
from .models import Designation, DesignationKind, SourceReport


class DesignationOutputSerializer(serializers.ModelSerializer):
    place_path = serializers.CharField(source="place.display_path", read_only=True)
    place_code = serializers.CharField(source="place.code", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    source_title = serializers.CharField(source="source.title", read_only=True)

    class Meta:
        model = Designation
        fields = [
            "id", "place", "place_path", "place_code", "kind", "kind_display", "year", "source",
            "source_title", "main_products", "online_shops", "online_sales", "local_model",
            "note", "created_at", "updated_at",
        ]


class DesignationInputSerializer(serializers.ModelSerializer):
    place = ScopedPrimaryKeyRelatedField(queryset=Region.objects.all())
    source = ScopedPrimaryKeyRelatedField(queryset=SourceReport.objects.all())

    class Meta:
        model = Designation
        fields = services.DESIGNATION_FIELDS
        # Uniqueness is checked by the service's full_clean, with the same message as the admin.
        validators = []


class DesignationFilter(filters.FilterSet):
    year = YearFilter()
    kind = filters.ChoiceFilter(choices=DesignationKind.choices)
    county = CountyFilter(field_name="place")

    class Meta:
        model = Designation
        fields = ["year", "kind", "county"]


class DesignationListCreateApi(generics.ListAPIView):
    permission_classes = [RegistryPermissions]
    serializer_class = DesignationOutputSerializer
    filterset_class = DesignationFilter
    queryset = Designation.objects.none()  # for the permission class; rows come from the selector

    def get_queryset(self):
        return selectors.designation_list(user=self.request.user)

    @extend_schema(request=DesignationInputSerializer, responses={201: DesignationOutputSerializer})
    def post(self, request):
        serializer = DesignationInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        designation = call_service(services.designation_create, user=request.user, **serializer.validated_data)
        return Response(DesignationOutputSerializer(designation).data, status=status.HTTP_201_CREATED)


class DesignationDetailApi(generics.RetrieveAPIView):
    permission_classes = [RegistryPermissions]
    serializer_class = DesignationOutputSerializer
    queryset = Designation.objects.none()

    def get_object(self):
        return selectors.designation_get(user=self.request.user, pk=self.kwargs["pk"])

    def _update(self, request, *, partial: bool):
        designation = self.get_object()
        serializer = DesignationInputSerializer(designation, data=request.data, partial=partial,
                                                 context={"request": request})
        serializer.is_valid(raise_exception=True)
        designation = call_service(
            services.designation_update, user=request.user, designation=designation, data=serializer.validated_data
        )
        return Response(DesignationOutputSerializer(designation).data)

    @extend_schema(request=DesignationInputSerializer, responses=DesignationOutputSerializer)
    def put(self, request, pk):
        return self._update(request, partial=False)

    @extend_schema(request=DesignationInputSerializer, responses=DesignationOutputSerializer)
    def patch(self, request, pk):
        return self._update(request, partial=True)
