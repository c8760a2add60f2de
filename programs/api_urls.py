from django.urls import path

from . import apis

app_name = "open-data"

urlpatterns = [
    path("progress/", apis.ProgressApi.as_view(), name="progress"),
]
