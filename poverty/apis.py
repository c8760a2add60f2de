"""Staff REST API for registered poor households and their employment, scoped.

Households are listed, read and changed (PATCH, through ``services.record_update``, so a
change is kept in the audit trail like one made in the admin); employment is read only.
Resident ID numbers are always masked here, and cannot be changed here; names of heads of
household and employees are masked for users without ``poverty.reveal_resident_id``. Full
numbers are revealed only in the admin, one household at a time, with an audit entry.
"""
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from xuchang_ecom.accounts.scoping import regions_in_scope
from xuchang_ecom.common.masking import mask_name
from xuchang_ecom.records.apis import (
    CountyFilter,
    IdFilter,
    PersonalDataApiMixin,
    RegistryPermissions,
    YearFilter,
    call_service,
)
from xuchang_ecom.regions.models import Level, Region

from . import selectors, services
from .models import Employment, Household


class HouseholdOutputSerializer(serializers.ModelSerializer):
    head_name = serializers.SerializerMethodField()
    resident_id = serializers.SerializerMethodField(help_text="Always masked, e.g. 410182********123X.")
    village_path = serializers.CharField(source="village.display_path", read_only=True)
    has_exited = serializers.BooleanField(read_only=True)

    class Meta:
        model = Household
        fields = ["id", "head_name", "resident_id", "village", "village_path", "size", "disabled_members",
                  "exited_in", "has_exited"]

    def _personal(self, household: Household) -> dict[str, str]:
        return selectors.household_personal_data(user=self.context["request"].user, household=household)

    def get_head_name(self, household: Household) -> str:
        return self._personal(household)["head_name"]

    def get_resident_id(self, household: Household) -> str:
        return self._personal(household)["resident_id"]


# The model's fields are PositiveSmallIntegerFields; the model's own checks (at least one
# member, an exit year from 2014 on …) word the finer errors.
SMALL_NUMBER = {"min_value": 0, "max_value": 32767}


class HouseholdInputSerializer(serializers.Serializer):
    """What a PATCH may change of a household; every field is optional."""

    head_name = serializers.CharField(max_length=Household._meta.get_field("head_name").max_length, required=False)
    village = serializers.PrimaryKeyRelatedField(queryset=Region.objects.none(), required=False,
                                                 help_text="A village in the user's area, by id.")
    size = serializers.IntegerField(required=False, **SMALL_NUMBER)
    disabled_members = serializers.IntegerField(required=False, **SMALL_NUMBER)
    exited_in = serializers.IntegerField(required=False, allow_null=True, **SMALL_NUMBER)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            # A village outside the user's area is as unknown as a missing one.
            self.fields["village"].queryset = regions_in_scope(user=user).filter(level=Level.VILLAGE)


class HouseholdFilter(filters.FilterSet):
    county = CountyFilter(field_name="village")
    village = IdFilter(field_name="village_id")
    exited = filters.BooleanFilter(field_name="exited_in", lookup_expr="isnull", exclude=True)
    exited_in = YearFilter(field_name="exited_in")

    class Meta:
        model = Household
        fields = ["county", "village", "exited", "exited_in"]


class HouseholdListApi(PersonalDataApiMixin, generics.ListAPIView):
    permission_classes = [RegistryPermissions]
    serializer_class = HouseholdOutputSerializer
    filterset_class = HouseholdFilter

    def get_queryset(self):
        return selectors.household_list(user=self.request.user)


class HouseholdDetailApi(PersonalDataApiMixin, generics.RetrieveAPIView):
    """A household in the user's area: read it, or change it."""

    permission_classes = [RegistryPermissions]
    serializer_class = HouseholdOutputSerializer
    queryset = Household.objects.none()

    def get_object(self):
        return selectors.household_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=HouseholdInputSerializer, responses={200: HouseholdOutputSerializer},
                   description="Change a household (needs poverty.change_household): any of the fields given. "
                               "The resident ID number is not changed here. The change is kept in the audit trail.")
    def patch(self, request, pk):
        household = self.get_object()
        serializer = HouseholdInputSerializer(data=request.data, user=request.user)
        serializer.is_valid(raise_exception=True)
        call_service(services.record_update, user=request.user, instance=household, data=serializer.validated_data)
        household = selectors.household_get(user=request.user, pk=household.pk)
        return Response(HouseholdOutputSerializer(household, context={"request": request}).data)


class EmploymentOutputSerializer(serializers.ModelSerializer):
    household_head_name = serializers.SerializerMethodField()
    household_resident_id = serializers.SerializerMethodField(help_text="Always masked.")
    member_name = serializers.SerializerMethodField()
    enterprise_name = serializers.CharField(
        source="enterprise.organisation.name", read_only=True, default=None, allow_null=True,
    )
    base_name = serializers.CharField(source="base.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Employment
        fields = ["id", "household", "household_head_name", "household_resident_id", "member_name", "is_disabled",
                  "enterprise", "enterprise_name", "base", "base_name", "started_on", "ended_on", "monthly_wage"]

    def _household(self, employment: Employment) -> dict[str, str]:
        return selectors.household_personal_data(user=self.context["request"].user, household=employment.household)

    def get_household_head_name(self, employment: Employment) -> str:
        return self._household(employment)["head_name"]

    def get_household_resident_id(self, employment: Employment) -> str:
        return self._household(employment)["resident_id"]

    def get_member_name(self, employment: Employment) -> str:
        if selectors.may_reveal_resident_id(self.context["request"].user):
            return employment.member_name
        return mask_name(employment.member_name)


class EmploymentFilter(filters.FilterSet):
    county = CountyFilter(field_name="household__village")
    household = IdFilter(field_name="household_id")
    enterprise = IdFilter(field_name="enterprise_id")
    base = IdFilter(field_name="base_id")
    active_on = filters.DateFilter(method="filter_active_on")

    class Meta:
        model = Employment
        fields = ["county", "household", "enterprise", "base", "is_disabled", "active_on"]

    def filter_active_on(self, queryset, name, value):
        return queryset.active_on(value) if value else queryset


class EmploymentListApi(PersonalDataApiMixin, generics.ListAPIView):
    permission_classes = [RegistryPermissions]
    serializer_class = EmploymentOutputSerializer
    filterset_class = EmploymentFilter

    def get_queryset(self):
        return selectors.employment_list(user=self.request.user)
