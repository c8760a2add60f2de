"""A world with one of everything a route can name, in 长葛市 (organisation A) and 禹州市
(organisation B), and the six roles the permission matrix tries."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from livestream.tests.factories import AnchorFactory, SessionFactory
from poverty.models import Employment
from poverty.tests.factories import enterprise, household
from programs import services as programs
from programs.models import Briefing
from programs.tests.factories import plan
from villages.tests.factories import DesignationFactory
from xuchang_ecom.accounts.models import Role
from xuchang_ecom.accounts.tests.factories import make_user, region
from xuchang_ecom.applications import services as applications
from xuchang_ecom.applications.tests.factories import PDF, agency_reporter, call
from xuchang_ecom.reporting import services as reporting
from xuchang_ecom.reporting.tests.factories import period


@dataclass
class World:
    users: dict
    objects: dict


ROLES = ("anonymous", "reporter_a", "reporter_b", "county_changge", "county_yuzhou", "city")


@pytest.fixture
def world(city_user, changge_user, yuzhou_user, admin_uploads_in_tmp):
    from django.core.files.uploadedfile import SimpleUploadedFile

    reporter_a = agency_reporter(city_user, "reporter_a")
    reporter_b = agency_reporter(city_user, "reporter_b", county="禹州市")
    month = period(date(2021, 5, 1))
    report = reporting.report_start(user=reporter_a, period=month)
    report = reporting.report_submit(user=reporter_a, report=report, version=report.version, data={
        "sales": "1000", "orders": "10", "sessions_held": "3", "anchors_trained": "1", "brands_incubated": "0"})
    a_call = call()
    application = applications.application_start(user=reporter_a, call=a_call)
    document = applications.document_upload(user=reporter_a, application=application,
                                            requirement=a_call.documents.get(name="营业执照"),
                                            upload=SimpleUploadedFile("营业执照.pdf", PDF))
    program = plan()
    programs.rollup_run(as_of=timezone.localdate())
    briefing = Briefing.objects.create(program=program, month=date(2021, 4, 30), requested_by=city_user)
    programs.briefing_build(briefing_id=briefing.pk)
    poor = household(city_user)
    employment = Employment.objects.create(household=poor, enterprise=enterprise(city_user), member_name="示例成员",
                                           started_on=date(2021, 1, 1), monthly_wage=Decimal(2000))
    return World(
        users={"anonymous": None, "reporter_a": reporter_a, "reporter_b": reporter_b,
               "county_changge": changge_user, "county_yuzhou": yuzhou_user, "city": city_user},
        objects={
            "report": report, "period": month, "call": a_call, "application": application, "document": document,
            "program": program, "target": program.targets.get(metric_key="livestream.brands_incubated"),
            "city": region("长葛市").parent, "briefing": briefing, "household": poor, "employment": employment,
            "designation": DesignationFactory(), "anchor": AnchorFactory(region=region("长葛市")),
            "session": SessionFactory(),
            "county_staff": make_user("unused_county", Role.COUNTY_STAFF, region=region("长葛市")),
        },
    )
