from django.urls import path

from . import apis

app_name = "poverty"

urlpatterns = [
    path("households/", apis.HouseholdListApi.as_view(), name="household-list"),
    path("households/<int:pk>/", apis.HouseholdDetailApi.as_view(), name="household-detail"),
    path("employments/", apis.EmploymentListApi.as_view(), name="employment-list"),
]
