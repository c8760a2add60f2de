"""Staff REST API for designations: thin views over the selectors and services."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import DjangoModelPermissions
from rest_framework.response import Response

from xuchang_ecom.regions.models import Level, Region

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
    place = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    source = serializers.PrimaryKeyRelatedField(queryset=SourceReport.objects.all())

    class Meta:
        model = Designation
        fields = services.DESIGNATION_FIELDS
        # Uniqueness is checked by the service's full_clean, with the same message as the admin.
        validators = []


@extend_schema_field(OpenApiTypes.INT)
class CountyFilter(filters.ModelChoiceFilter):
    """A county-level division by id: rows at or under it."""

    def filter(self, qs, value):
        return qs.filter(place__path__startswith=value.path) if value else qs


class DesignationFilter(filters.FilterSet):
    year = filters.NumberFilter()
    kind = filters.ChoiceFilter(choices=DesignationKind.choices)
    county = CountyFilter(queryset=Region.objects.filter(level=Level.COUNTY))

    class Meta:
        model = Designation
        fields = ["year", "kind", "county"]


class RegistryPermissions(DjangoModelPermissions):
    """Model permissions for writes and reads alike (DRF's default lets any user read)."""

    perms_map = {**DjangoModelPermissions.perms_map, "GET": ["%(app_label)s.view_%(model_name)s"]}


def _raise_drf(error: DjangoValidationError):
    raise ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages)


class DesignationListCreateApi(generics.ListAPIView):
    permission_classes = [RegistryPermissions]
    serializer_class = DesignationOutputSerializer
    filterset_class = DesignationFilter
    queryset = Designation.objects.none()  # for the permission class; rows come from the selector

    def get_queryset(self):
        return selectors.designation_list(user=self.request.user)

    @extend_schema(request=DesignationInputSerializer, responses={201: DesignationOutputSerializer})
    def post(self, request):
        serializer = DesignationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            designation = services.designation_create(user=request.user, **serializer.validated_data)
        except DjangoValidationError as error:
            _raise_drf(error)
        return Response(DesignationOutputSerializer(designation).data, status=status.HTTP_201_CREATED)


class DesignationDetailApi(generics.RetrieveAPIView):
    permission_classes = [RegistryPermissions]
    serializer_class = DesignationOutputSerializer
    queryset = Designation.objects.none()

    def get_object(self):
        return selectors.designation_get(user=self.request.user, pk=self.kwargs["pk"])

    def _update(self, request, *, partial: bool):
        designation = self.get_object()
        serializer = DesignationInputSerializer(designation, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        try:
            designation = services.designation_update(
                user=request.user, designation=designation, data=serializer.validated_data
            )
        except DjangoValidationError as error:
            _raise_drf(error)
        return Response(DesignationOutputSerializer(designation).data)

    @extend_schema(request=DesignationInputSerializer, responses=DesignationOutputSerializer)
    def put(self, request, pk):
        return self._update(request, partial=False)

    @extend_schema(request=DesignationInputSerializer, responses=DesignationOutputSerializer)
    def patch(self, request, pk):
        return self._update(request, partial=True)
