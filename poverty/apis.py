"""Staff REST API for registered poor households and their employment: read only, scoped.

Resident ID numbers are always masked here; names of heads of household and employees are
masked for users without ``poverty.reveal_resident_id``. Full numbers are revealed only
in the admin, one household at a time, with an audit entry.
"""
from django_filters import rest_framework as filters
from rest_framework import generics, serializers

from xuchang_ecom.common.apis import CountyFilter, IdFilter, PersonalDataApiMixin, RegistryPermissions, YearFilter
from xuchang_ecom.common.masking import mask_name

from . import selectors
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
    permission_classes = [RegistryPermissions]
    serializer_class = HouseholdOutputSerializer
    queryset = Household.objects.none()

    def get_object(self):
        return selectors.household_get(user=self.request.user, pk=self.kwargs["pk"])


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
