from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from xuchang_ecom.applications import urls as applications_urls
from xuchang_ecom.site import opendata
from xuchang_ecom.site import views as site_views

admin.site.site_header = admin.site.site_title = settings.ADMIN_SITE_HEADER
admin.site.index_title = settings.ADMIN_INDEX_TITLE

OPEN_DATA_PATTERNS = [path("api/v1/", include("xuchang_ecom.site.api_urls"))]

urlpatterns = [
    path("", site_views.dashboard_view, name="home"),
    path("healthz", site_views.healthz, name="healthz"),
    path("favicon.ico", site_views.favicon, name="favicon"),
    path("start/", site_views.start, name="start"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("xuchang_ecom.accounts.urls")),
    path("admin/", admin.site.urls),
    path("programs/", include("programs.urls")),
    path("reports/", include("xuchang_ecom.reporting.urls")),
    path("applications/", include("xuchang_ecom.applications.urls")),
    path("calls/", include((applications_urls.public_urlpatterns, "calls"))),
    path("open-data/", opendata.open_data_view, name="open-data"),
    # The open data's own schema and documentation hold the open-data endpoints only; the
    # staff API is documented at /api/docs/.
    path("api/v1/schema/", SpectacularAPIView.as_view(
        patterns=OPEN_DATA_PATTERNS, custom_settings=opendata.OPEN_DATA_SCHEMA_SETTINGS), name="open-data-schema"),
    path("api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="open-data-schema",
                                                            title=opendata.OPEN_DATA_SCHEMA_SETTINGS["TITLE"]),
         name="open-data-docs"),
    *OPEN_DATA_PATTERNS,
    path("api/villages/", include("villages.urls")),
    path("api/livestream/", include("livestream.urls")),
    path("api/poverty/", include("poverty.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script, so
    # the Content Security Policy holds. (ReDoc injects inline styles and is not offered.)
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler500 = "xuchang_ecom.site.views.server_error"
handler404 = "xuchang_ecom.site.views.page_not_found"
