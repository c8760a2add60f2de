from django.urls import path

from . import apis

app_name = "open-data"

urlpatterns = [
    path("", apis.OpenDataIndexApi.as_view(), name="index"),
    path("progress/", apis.ProgressApi.as_view(), name="progress"),
    path("taobao-designations/", apis.DesignationPublicListApi.as_view(), name="designations"),
    path("clusters/", apis.ClusterPublicListApi.as_view(), name="clusters"),
    path("bases/", apis.BasePublicListApi.as_view(), name="bases"),
    path("agencies/", apis.AgencyPublicListApi.as_view(), name="agencies"),
    path("brands/", apis.BrandPublicListApi.as_view(), name="brands"),
    path("dashboard/<slug:name>/", apis.DashboardTableApi.as_view(), name="dashboard-table"),
]
