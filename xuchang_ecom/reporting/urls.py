from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.reporter_home_view, name="home"),
    path("periods/<int:period_pk>/start/", views.report_start_view, name="start"),
    path("<int:pk>/", views.report_detail_view, name="detail"),
    path("<int:pk>/edit/", views.report_edit_view, name="edit"),
    path("review/", views.review_queue_view, name="queue"),
    path("review/approve/", views.review_approve_selected_view, name="approve-selected"),
    path("notifications/", views.notifications_view, name="notifications"),
    path("accounts/new/", views.reporter_account_create_view, name="accounts-new"),
    path("periods/<int:period_pk>/completeness/", views.completeness_view, name="completeness"),
    path("periods/<int:period_pk>/remind/", views.remind_late_view, name="remind-late"),
    path("review/<int:pk>/", views.review_view, name="review"),
    path("review/<int:pk>/decide/", views.review_decide_view, name="decide"),
]
