from django.urls import path

from . import apis

app_name = "villages"

urlpatterns = [
    path("designations/", apis.DesignationListCreateApi.as_view(), name="designation-list"),
    path("designations/<int:pk>/", apis.DesignationDetailApi.as_view(), name="designation-detail"),
]
