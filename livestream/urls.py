from django.urls import path

from . import apis

app_name = "livestream"

urlpatterns = [
    path("anchors/", apis.AnchorListCreateApi.as_view(), name="anchor-list"),
    path("anchors/<int:pk>/", apis.AnchorDetailApi.as_view(), name="anchor-detail"),
    path("sessions/", apis.SessionListCreateApi.as_view(), name="session-list"),
    path("sessions/<int:pk>/", apis.SessionDetailApi.as_view(), name="session-detail"),
]
