from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("calls/<int:call_pk>/start/", views.start_view, name="start"),
    path("calls/<int:call_pk>/ranking/", views.ranking_view, name="ranking"),
    path("calls/<int:call_pk>/notice/", views.notice_publish_view, name="publish-notice"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/edit/", views.edit_view, name="edit"),
    path("<int:pk>/decide/", views.decide_view, name="decide"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_view, name="document"),
]

public_urlpatterns = [
    path("", views.call_list_view, name="calls"),
    path("<int:pk>/", views.call_detail_view, name="call"),
]
