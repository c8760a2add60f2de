"""A demo call for applications, open now: 示范带动直播机构 of the year, with one agency's
application submitted, recommended by its county and scored, and another's draft."""
import os
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from livestream import services as livestream
from xuchang_ecom.accounts.models import Role, User
from xuchang_ecom.accounts.services import user_create
from xuchang_ecom.applications import services
from xuchang_ecom.applications.models import Call, Criterion, RequiredDocument
from xuchang_ecom.regions.models import Region
from xuchang_ecom.tools.demo.accounts import DEFAULT_DEMO_PASSWORD

TITLE = "许昌市直播电商示范带动机构申报（演示）"
CRITERIA = [("线上销售额", 30), ("签约主播数量", 20), ("带动贫困户就业", 20), ("孵化网红品牌", 30)]
APPLICANTS = [("agency_a", "示例申报直播机构A", "许昌市/长葛市/"), ("agency_b", "示例申报直播机构B", "许昌市/禹州市/")]
# A one-page PDF, as the licence a demo applicant uploaded.
DEMO_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def load(*, user) -> list[str]:
    """Publish the demo call and make the two demo agencies' applications; a second run adds nothing."""
    if Call.objects.filter(title=TITLE).exists():
        return []
    today = timezone.localdate()
    call = Call.objects.create(
        title=TITLE, kind="demonstration_agency", batch=f"{today.year}年第一批", opens_on=today - timedelta(days=5),
        closes_on=today + timedelta(days=25), notice_days=7, figures=["sales", "sessions_held", "anchors_trained"],
        description="按照《许昌市直播电商发展行动计划（2020—2022年）》，扶持一批示范带动作用强的直播机构。",
    )
    for position, (name, weight) in enumerate(CRITERIA):
        Criterion.objects.create(call=call, name=name, weight=weight, position=position)
    licence = RequiredDocument.objects.create(call=call, name="营业执照", position=0)
    RequiredDocument.objects.create(call=call, name="近一年销售证明", is_required=False, position=1)
    services.call_publish(call=call)

    password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
    reporters = []
    for username, name, path in APPLICANTS:
        agency = livestream.agency_create(user=user, name=name, region=Region.objects.get(path=path))
        reporters.append(user_create(username=username, password=password, role=Role.REPORTER,
                                     organisation=agency.organisation))
    first, second = reporters
    application = services.application_start(user=first, call=call)
    services.document_upload(user=first, application=application, requirement=licence,
                             upload=SimpleUploadedFile("营业执照.pdf", DEMO_PDF))
    application.refresh_from_db()
    application = services.application_submit(
        user=first, application=application, version=application.version,
        data={"statement": "2020年签约主播56名，开展公益直播12场，带动贫困户就业12人。", "figure:sales": "3200000",
              "figure:sessions_held": "420", "figure:anchors_trained": "56"})
    services.county_opinion_give(user=User.objects.get(username="county_changge"), application=application,
                                 recommended=True, comment="材料齐全，同意推荐。")
    criteria = list(call.criteria.all())
    services.evaluation_save(user=user, application=application,
                             points={criterion.pk: criterion.weight - 3 for criterion in criteria},
                             comment="带动效果明显。")
    services.application_start(user=second, call=call)
    return [f"applications: call “{TITLE}”, accounts agency_a (submitted) and agency_b (draft)"]
