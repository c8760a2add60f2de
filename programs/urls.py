from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("", views.program_list_view, name="list"),
    path("<int:pk>/", views.progress_view, name="progress"),
    path("targets/<int:pk>/places/<int:region_pk>/", views.target_records_view, name="records"),
    path("<int:pk>/briefings/", views.briefing_request_view, name="briefing-request"),
    path("briefings/<int:pk>/", views.briefing_status_view, name="briefing-status"),
    path("briefings/<int:pk>/download/", views.briefing_download_view, name="briefing-download"),
]
