"""The site's URL map with pages and API endpoints whose "service" refuses, for
test_domain_errors: the site's own error handlers decide the answers, as in production."""
from django.http import Http404
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from xuchang_ecom.common.errors import Conflict, NotAllowed, NotFound
from xuchang_ecom.urls import handler404, handler500, urlpatterns  # noqa: F401 - the site's handlers

REFUSALS = {
    "not-found": NotFound,
    "missing": Http404,
    "not-allowed": NotAllowed,
    "conflict": Conflict,
    "conflict-said": lambda: Conflict("这份报表刚被审核员退回，请刷新后再改。"),
}


def refusing_page(request, refusal: str):
    raise REFUSALS[refusal]()


class RefusingApi(APIView):
    permission_classes = [AllowAny]

    def get(self, request, refusal: str):
        raise REFUSALS[refusal]()


urlpatterns = [
    path("refusing/<slug:refusal>/", refusing_page),
    path("api/refusing/<slug:refusal>/", RefusingApi.as_view()),
    path("api/refusing-page/<slug:refusal>/", refusing_page),
    *urlpatterns,
]
