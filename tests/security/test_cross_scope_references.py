"""A write that refers to another county's record is refused exactly as one that refers to
a record that does not exist: in the admin's forms, the staff API, the imports and the
services.

Nothing here lists the write paths by hand. The admin forms come from ``admin.site``, the
API's writable endpoints and their input serializers from the OpenAPI schema (the URL
conf), the import columns from each admin's resources, the services from each app's
``services`` module (their parameters' types), and the relations from the models' meta:
every foreign key, one-to-one and many-to-many to a model whose rows belong somewhere
(``common.services.is_scoped``). A new relation is tried without a new test; a path with a
relation this file cannot exercise (no way to make a record of the related model, no valid
row of the model to start from, no recipe for a service) makes the test fail and says what
to add.

County staff of 长葛市 act. "Another county's record" is one in 禹州市, made for the case and
deleted after the first try, so that the same id, name or number is tried once while the
record exists out of scope and once while it does not exist at all: the two answers must be
identical, and nothing may be written either time.
"""
import csv
import inspect
import io
import itertools
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.db.models import ProtectedError
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from rest_framework.relations import ManyRelatedField, RelatedField

from livestream.importers.admin import SessionBulkImportAdminMixin
from livestream.importers.sessions import SessionImporter
from livestream.models import BaseKind, SessionKind
from livestream.tests.factories import (
    AgencyFactory,
    AnchorFactory,
    BaseFactory,
    BrandFactory,
    ClusterFactory,
    ContestFactory,
    PlatformFactory,
    SessionFactory,
    TrainingFactory,
)
from poverty import services as poverty
from poverty.models import AlleviationModel
from poverty.tests.factories import GANGLI, base, enterprise, household, yuzhou_village
from villages.models import Honour
from villages.tests.factories import DesignationFactory
from xuchang_ecom.accounts.tests.factories import OrganisationFactory, region
from xuchang_ecom.applications import services as applications
from xuchang_ecom.applications.tests.factories import PDF, agency_reporter, call
from xuchang_ecom.common.errors import NOT_A_CHOICE, NotFound
from xuchang_ecom.records.importexport.formats import CSV
from xuchang_ecom.records.services import is_scoped
from xuchang_ecom.reporting import services as reporting
from xuchang_ecom.reporting.tests.factories import period

pytestmark = pytest.mark.django_db

HERE, ELSEWHERE = "长葛市", "禹州市"
VILLAGES = {HERE: lambda: region(GANGLI), ELSEWHERE: yuzhou_village}
SHANGHAI = ZoneInfo("Asia/Shanghai")
#: The apps whose writes are tried (their ``services`` modules, admins and models).
APPS = ("accounts", "villages", "livestream", "poverty", "programs", "reporting", "applications", "regions")


def label(model) -> str:
    return model._meta.label_lower


def scoped_relation(model, name: str) -> models.Field | None:
    """``model``'s forward relation ``name`` if it leads to a scoped model, else None."""
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if not found.is_relation or found.auto_created or found.related_model is None:
        return None  # not a relation, or a reverse one
    return found if is_scoped(found.related_model) else None


def is_place(relation: models.Field) -> bool:
    """Whether ``relation`` is how its record's place is found (an employment's household,
    an agency's organisation): pointing it elsewhere moves the record out of the user's
    area, which ``check_in_scope`` refuses whatever the reference check says."""
    lookup = getattr(relation.model._default_manager.all(), "scope_region_field", None) or ""
    return lookup.split("__")[0] == relation.name


# ---------------------------------------------------------------------------------------
# Records of every scoped model, in either county
# ---------------------------------------------------------------------------------------


class Records:
    """Makes records of scoped models in a county (``MAKERS``), one kept per model for 长葛市."""

    def __init__(self, city):
        self.city = city
        self._serial = itertools.count(1)
        self._here: dict[str, models.Model] = {}
        self._reporters: dict[str, object] = {}
        self._call = None

    def serial(self) -> int:
        return next(self._serial)

    def here(self, model_label: str) -> models.Model:
        if model_label not in self._here:
            self._here[model_label] = self.make(model_label, HERE)
        return self._here[model_label]

    def make(self, model_label: str, county: str) -> models.Model:
        if model_label not in MAKERS:
            raise CannotExercise(f"no way to make a record of {model_label}: add it to MAKERS")
        return MAKERS[model_label](self, county)

    def platform(self):
        return PlatformFactory()

    def reporter(self, county: str = HERE):
        """The reporter of a livestream agency in ``county`` (one per county)."""
        if county not in self._reporters:
            self._reporters[county] = agency_reporter(self.city, f"reporter{self.serial()}", county=county)
        return self._reporters[county]

    def call(self):
        if self._call is None:
            self._call = call()
        return self._call

    def own_report(self):
        """The report of ``reporter()``'s organisation for May 2021."""
        return reporting.report_start(user=self.reporter(), period=period(date(2021, 5, 1)))

    def own_application(self):
        """``reporter()``'s application to ``call()``."""
        return applications.application_start(user=self.reporter(), call=self.call())


class CannotExercise(Exception):
    """This file does not know how to try a relation: the message says what to add."""


def _household_link(service: str):
    def make(records: Records, county: str):
        extra = {
            "employment_create": {"member_name": "示例成员", "started_on": date(2021, 1, 1)},
            "land_lease_create": {"area_mu": Decimal("1.00"), "annual_rent": Decimal("100.00"),
                                  "started_on": date(2021, 1, 1)},
            "dividend_create": {"year": 2021, "amount": Decimal("10.00"), "paid_on": date(2021, 6, 1)},
            "take_home_work_create": {"period_start": date(2021, 1, 1), "period_end": date(2021, 1, 31),
                                      "pay": Decimal("10.00")},
        }[service]
        return getattr(poverty, service)(user=records.city, household=records.make("poverty.household", county),
                                         enterprise=records.make("poverty.enterprise", county), **extra)
    return make


def _report(records: Records, county: str):
    reporter = agency_reporter(records.city, f"reporter{records.serial()}", county=county)
    return reporting.report_start(user=reporter, period=period(date(2021, 5, 1)))


def _application(records: Records, county: str):
    reporter = agency_reporter(records.city, f"applicant{records.serial()}", county=county)
    return applications.application_start(user=reporter, call=records.call())


#: How to make a record of each scoped model in a county (written as city staff would).
MAKERS: dict[str, Callable[[Records, str], models.Model]] = {
    "accounts.organisation": lambda r, county: OrganisationFactory(region=region(county)),
    "livestream.cluster": lambda r, county: ClusterFactory(region=region(county)),
    "livestream.base": lambda r, county: BaseFactory(region=region(county)),
    "livestream.agency": lambda r, county: AgencyFactory(organisation__region=region(county)),
    "livestream.brand": lambda r, county: BrandFactory(region=region(county)),
    "livestream.anchor": lambda r, county: AnchorFactory(region=region(county)),
    "livestream.session": lambda r, county: SessionFactory(region=region(county)),
    "livestream.training": lambda r, county: TrainingFactory(region=region(county)),
    "livestream.contest": lambda r, county: ContestFactory(region=region(county)),
    "poverty.enterprise": lambda r, county: enterprise(r.city, name=f"跨区测试企业{r.serial()}", county=county),
    "poverty.base": lambda r, county: base(r.city, name=f"跨区测试扶贫基地{r.serial()}", county=county),
    "poverty.household": lambda r, county: household(r.city, serial=100 + r.serial(), village=VILLAGES[county]()),
    "poverty.employment": _household_link("employment_create"),
    "poverty.landlease": _household_link("land_lease_create"),
    "poverty.dividend": _household_link("dividend_create"),
    "poverty.takehomework": _household_link("take_home_work_create"),
    "villages.designation": lambda r, county: DesignationFactory(place=VILLAGES[county](), year=2009 + r.serial() % 90),
    "villages.honour": lambda r, county: Honour.objects.create(place=VILLAGES[county](), year=2020,
                                                               title=f"示例荣誉{r.serial()}"),
    "reporting.report": _report,
    "applications.application": _application,
}


# ---------------------------------------------------------------------------------------
# A valid new record of each model a form, an endpoint or an import can refer from
# ---------------------------------------------------------------------------------------


def _workplace(records: Records, focus: str | None) -> dict:
    """Exactly one of enterprise and base, whichever the case is about."""
    if focus == "base":
        return {"enterprise": None, "base": records.here("poverty.base")}
    return {"enterprise": records.here("poverty.enterprise"), "base": None}


#: Model field values of a valid new record in 长葛市, every relation set to a record there;
#: ``focus`` is the relation the case replaces (where the model allows only some at once).
VALID_ROWS: dict[str, Callable[[Records, str | None], dict]] = {
    "livestream.base": lambda r, focus: {
        "name": f"跨区测试直播基地{r.serial()}", "region": region(HERE), "kind": BaseKind.COMPREHENSIVE,
        "operator": r.here("accounts.organisation"), "cluster": r.here("livestream.cluster"),
        "opened_on": date(2021, 1, 1), "platforms": [r.platform()]},
    "livestream.brand": lambda r, focus: {
        "name": f"跨区测试品牌{r.serial()}", "region": region(HERE), "owner": r.here("accounts.organisation"),
        "category": "蜂蜜", "incubated_by_base": r.here("livestream.base"),
        "incubated_by_agency": r.here("livestream.agency"), "incubated_on": date(2021, 3, 1)},
    "livestream.anchor": lambda r, focus: {
        "display_name": f"跨区测试主播{r.serial()}", "region": region(HERE), "agency": r.here("livestream.agency"),
        "cultivated_on": date(2021, 1, 1)},
    "livestream.session": lambda r, focus: {
        "started_at": datetime(2021, 5, 1, 20, 0, tzinfo=SHANGHAI), "platform": r.platform(), "region": region(HERE),
        "kind": SessionKind.COMMERCIAL, "base": r.here("livestream.base"), "agency": r.here("livestream.agency"),
        "anchors": [r.here("livestream.anchor")], "title": "跨区测试直播", "orders": 3, "sales": Decimal("99.50")},
    "poverty.base": lambda r, focus: {
        "name": f"跨区测试扶贫基地{r.serial()}", "region": region(HERE), "enterprise": r.here("poverty.enterprise"),
        "opened_on": date(2021, 1, 1)},
    "poverty.employment": lambda r, focus: {
        "household": r.here("poverty.household"), "member_name": "示例成员", "is_disabled": False,
        **_workplace(r, focus), "started_on": date(2021, 2, 1), "monthly_wage": Decimal("2000.00")},
    "poverty.landlease": lambda r, focus: {
        "household": r.here("poverty.household"), **_workplace(r, focus), "area_mu": Decimal("2.50"),
        "annual_rent": Decimal("800.00"), "started_on": date(2021, 2, 1)},
    "poverty.dividend": lambda r, focus: {
        "household": r.here("poverty.household"), **_workplace(r, focus), "year": 2021, "amount": Decimal("100.00"),
        "paid_on": date(2021, 6, 1)},
    "poverty.takehomework": lambda r, focus: {
        "household": r.here("poverty.household"), "enterprise": r.here("poverty.enterprise"),
        "period_start": date(2021, 2, 1), "period_end": date(2021, 2, 28), "pieces": 10, "pay": Decimal("50.00")},
}


def valid_row(records: Records, model, focus: str | None = None) -> dict:
    if label(model) not in VALID_ROWS:
        raise CannotExercise(f"no valid row of {label(model)}: add one to VALID_ROWS")
    return VALID_ROWS[label(model)](records, focus)


def elsewhere(records: Records, relation: models.Field) -> models.Model:
    """A new record of ``relation``'s model in the other county."""
    return records.make(label(relation.related_model), ELSEWHERE)


def forget(found: "Findings", case: str, record: models.Model) -> bool:
    """Delete ``record`` (made for the case) so that it no longer exists; False, with a
    failure noted, if the write under test was accepted and now refers to it."""
    try:
        record.delete()
    except ProtectedError:
        found.failures.append(f"{case}: another county's record was accepted (a row now refers to it)")
        return False
    return True


def with_reference(values: dict, relation: models.Field, record: models.Model) -> dict:
    return {**values, relation.name: [record] if relation.many_to_many else record}


@dataclass
class Findings:
    """What a channel's walk tried and what went wrong, for one assertion at the end."""

    tried: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def check(self, case: str, condition: bool, problem: str) -> None:
        if not condition:
            self.failures.append(f"{case}: {problem}")

    def report(self, channel: str) -> None:
        print(f"\n{channel}: {len(self.tried)} relations tried: {', '.join(self.tried)}")
        assert self.tried, f"{channel}: no relation found to try; the derivation is broken"
        assert not self.failures, "\n".join(self.failures)


@pytest.fixture
def records(city_user):
    return Records(city_user)


def county_request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


# ---------------------------------------------------------------------------------------
# The admin's forms
# ---------------------------------------------------------------------------------------


def form_data(form_class, values: dict) -> dict:
    """POST data for ``form_class`` holding ``values`` (model field values)."""
    data = {}
    for name, form_field in form_class.base_fields.items():
        value = values.get(name)
        if value is None:
            continue
        if isinstance(form_field, forms.SplitDateTimeField):
            local = value.astimezone(SHANGHAI)
            data[f"{name}_0"], data[f"{name}_1"] = local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S")
        elif isinstance(value, models.Model):
            data[name] = str(value.pk)
        elif isinstance(value, list):
            data[name] = [str(item.pk) for item in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, date):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    return data


def inline_management(model_admin, request, obj=None) -> dict:
    data = {}
    for formset, _inline in model_admin.get_formsets_with_inlines(request, obj):
        prefix = formset.get_default_prefix()
        initial = formset(instance=obj).initial_form_count() if obj is not None else 0
        data.update({f"{prefix}-TOTAL_FORMS": str(initial), f"{prefix}-INITIAL_FORMS": str(initial)})
        for index, form in enumerate(formset(instance=obj).initial_forms if obj is not None else []):
            for name in form.fields:
                value = form.initial.get(name)
                data[f"{prefix}-{index}-{name}"] = "" if value is None else str(getattr(value, "pk", value))
    return data


def errors_of(response) -> dict:
    form = response.context["adminform"].form
    return {name: list(messages) for name, messages in form.errors.items()}


def writable_admins(request):
    """``(model admin, add form class)`` of every registered admin whose add form county
    staff may use; the others are not a county's write path."""
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda item: label(item[0])):
        if model_admin.has_add_permission(request):
            yield model, model_admin, model_admin.get_form(request, None)


def test_every_admin_form_refuses_another_countys_record_like_a_missing_one(client, changge_user, records):
    """Every admin county staff may add in: each form field for a scoped relation, posted
    with another county's record and with a missing one, on the add form and on the change
    form of an existing record; and a link city staff made to another county's record is
    kept when county staff save the record unchanged."""
    client.force_login(changge_user)
    request = county_request(changge_user)
    found = Findings()
    for model, model_admin, add_form in writable_admins(request):
        relations = [rel for name in add_form.base_fields if (rel := scoped_relation(model, name))]
        opts = model._meta
        add_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        for relation in relations:
            case = f"{label(model)}.{relation.name}"
            try:
                focused = valid_row(records, model, focus=relation.name)
            except CannotExercise as error:
                found.failures.append(f"{case}: {error}")
                continue
            found.tried.append(f"admin {case}")
            # The row is valid: county staff add it.
            before = model._base_manager.count()
            response = client.post(add_url, {**form_data(add_form, focused),
                                             **inline_management(model_admin, request)})
            if response.status_code != 302:
                found.failures.append(f"{case}: a valid row is not accepted: {response.status_code} "
                                      f"{errors_of(response) if response.status_code == 200 else ''}")
                continue
            found.check(case, model._base_manager.count() == before + 1, "the valid row was not written")
            obj = model._base_manager.order_by("-pk").first()
            change_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            change_form = model_admin.get_form(request, obj)
            for step, url, form_class, obj_for_inlines in (("add form", add_url, add_form, None),
                                                           ("change form", change_url, change_form, obj)):
                other = elsewhere(records, relation)
                data = {**form_data(form_class, with_reference(valid_row(records, model, relation.name), relation,
                                                               other)),
                        **inline_management(model_admin, request, obj_for_inlines)}
                count = model._base_manager.count()
                out_of_scope = client.post(url, data)
                if not forget(found, case, other):
                    continue
                missing = client.post(url, data)
                statuses = (out_of_scope.status_code, missing.status_code)
                found.check(case, statuses == (200, 200), f"{step}: answered {statuses}, not the form again")
                if statuses == (200, 200):
                    found.check(case, errors_of(out_of_scope) == errors_of(missing),
                                f"{step}: {errors_of(out_of_scope)} for another county's record, "
                                f"{errors_of(missing)} for a missing one")
                    found.check(case, relation.name in errors_of(missing), f"{step}: no error on the field")
                found.check(case, model._base_manager.count() == count, f"{step}: a row was written")
            obj.refresh_from_db()
            found.check(case, not _refers_elsewhere(obj, relation), "the change form changed the record")
            if not is_place(relation):
                _check_existing_link_is_kept(client, found, case, model_admin, request, records, obj, relation,
                                             change_url)
    found.report("admin forms")


def _refers_elsewhere(obj, relation) -> bool:
    current = list(getattr(obj, relation.name).all()) if relation.many_to_many else [getattr(obj, relation.name)]
    return any(item is not None and item.pk and _county_of(item) == ELSEWHERE for item in current)


def _county_of(record) -> str | None:
    from xuchang_ecom.records.services import record_region

    place = record_region(record)
    return place.county.name if place is not None and place.county_id else None


def _check_existing_link_is_kept(client, found, case, model_admin, request, records, obj, relation, change_url):
    """City staff link ``obj`` to another county's record; county staff save it unchanged."""
    other = elsewhere(records, relation)
    if relation.many_to_many:
        getattr(obj, relation.name).add(other)
    else:
        type(obj)._base_manager.filter(pk=obj.pk).update(**{relation.name: other})
    obj.refresh_from_db()
    current = {f.name: (list(getattr(obj, f.name).all()) if f.many_to_many else getattr(obj, f.name))
               for f in (*obj._meta.fields, *obj._meta.many_to_many)}
    change_form = model_admin.get_form(request, obj)
    response = client.post(change_url, {**form_data(change_form, current),
                                        **inline_management(model_admin, request, obj)})
    found.check(case, response.status_code == 302,
                f"a record whose link to another county's record city staff made cannot be saved unchanged: "
                f"{errors_of(response) if response.status_code == 200 else response.status_code}")
    obj.refresh_from_db()
    found.check(case, _refers_elsewhere(obj, relation), "saving the change form dropped the existing link")


def test_the_autocomplete_offers_no_record_of_another_county(client, changge_user, records):
    """The admin's autocomplete lists through the related admin's scoped ``get_queryset``:
    every autocomplete field of a scoped relation, asked for everything, lists records of
    长葛市 only."""
    client.force_login(changge_user)
    request = county_request(changge_user)
    found = Findings()
    for model, model_admin, _add_form in writable_admins(request):
        for name in model_admin.get_autocomplete_fields(request):
            relation = scoped_relation(model, name)
            if relation is None:
                continue
            case = f"{label(model)}.{name}"
            found.tried.append(f"autocomplete {case}")
            here, other = records.make(label(relation.related_model), HERE), elsewhere(records, relation)
            response = client.get(reverse("admin:autocomplete"), {
                "app_label": model._meta.app_label, "model_name": model._meta.model_name, "field_name": name})
            found.check(case, response.status_code == 200, f"autocomplete answered {response.status_code}")
            ids = {item["id"] for item in response.json()["results"]} if response.status_code == 200 else set()
            found.check(case, str(here.pk) in ids, "a record of the user's own county is not offered")
            found.check(case, str(other.pk) not in ids, "another county's record is offered")
    found.report("autocompletes")


# ---------------------------------------------------------------------------------------
# The staff API
# ---------------------------------------------------------------------------------------


def writable_endpoints():
    """``(path, method, request serializer, model)`` of every POST, PUT and PATCH in the
    OpenAPI schema, i.e. in the URL conf."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.settings import spectacular_settings

    generator = SchemaGenerator()
    # drf-spectacular's own walk of the URL conf, as it builds /api/schema/.
    generator._initialise_endpoints()
    for path, _regex, method, view in generator._get_paths_and_endpoints():
        if method not in ("POST", "PUT", "PATCH"):
            continue
        view.request = spectacular_settings.GET_MOCK_REQUEST(method, path, view, None)
        view.schema.method, view.schema.path = method, path
        serializer = view.schema.get_request_serializer()
        serializer = serializer() if isinstance(serializer, type) else serializer
        response = view.schema.get_response_serializers()
        response = response.get(201, response.get(200)) if isinstance(response, dict) else response
        yield path, method, serializer, response.Meta.model


def api_value(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list):
        return [api_value(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def related_model(serializer_field):
    if isinstance(serializer_field, ManyRelatedField):
        serializer_field = serializer_field.child_relation
    if isinstance(serializer_field, RelatedField) and serializer_field.queryset is not None:
        return serializer_field.queryset.model
    return None


def test_every_writable_api_refuses_another_countys_record_like_a_missing_one(client, changge_user, records):
    """Every POST, PUT and PATCH of the URL conf, each related field of its input
    serializer that points to a scoped model: the same status and body for another
    county's record as for a missing one, and nothing written."""
    client.force_login(changge_user)
    found = Findings()
    endpoints = list(writable_endpoints())
    assert endpoints, "no writable endpoint found: the derivation is broken"
    for path, method, serializer, model in endpoints:
        relations = [(name, scoped_relation(model, name)) for name, serializer_field in serializer.fields.items()
                     if (target := related_model(serializer_field)) is not None and is_scoped(target)]
        if not relations:
            continue
        try:
            values = valid_row(records, model)
            url = path.replace("{id}", str(records.here(label(model)).pk)).replace(
                "{pk}", str(records.here(label(model)).pk))
        except CannotExercise as error:
            found.failures.append(f"{method} {path}: {error}")
            continue
        send = getattr(client, method.lower())

        def payload(values, fields=serializer.fields):
            return {name: api_value(value) for name, value in values.items() if name in fields}

        accepted = send(url, payload(values), content_type="application/json")
        found.check(f"{method} {path}", accepted.status_code in (200, 201),
                    f"a valid body is not accepted: {accepted.status_code} {accepted.content[:300]!r}")
        for name, relation in relations:
            case = f"{method} {path} {name}"
            found.tried.append(case)
            if relation is None:
                found.failures.append(f"{case}: the field is no relation of {label(model)}; give it a valid row")
                continue
            other = elsewhere(records, relation)
            body = payload(with_reference(valid_row(records, model, focus=name), relation, other))
            count = model._base_manager.count()
            out_of_scope = send(url, body, content_type="application/json")
            if not forget(found, case, other):
                continue
            missing = send(url, body, content_type="application/json")
            found.check(case, out_of_scope.status_code == missing.status_code == 400,
                        f"answered {out_of_scope.status_code} and {missing.status_code}, not 400 both times")
            found.check(case, out_of_scope.content == missing.content,
                        f"{out_of_scope.content!r} for another county's record, {missing.content!r} for a missing one")
            found.check(case, name in missing.json(), "no error on the field")
            found.check(case, model._base_manager.count() == count, "a row was written")
    found.report("API")


# ---------------------------------------------------------------------------------------
# The imports
# ---------------------------------------------------------------------------------------


def import_columns(resource, *, bulk: bool) -> list:
    """The columns a file for ``resource`` may fill: its import fields (a bulk import reads
    every column the export writes)."""
    if bulk:
        return list(resource.get_export_fields())
    return [column for column in resource.get_import_fields() if not column.readonly]


def import_file(columns, values: dict) -> bytes:
    """A CSV with ``columns``' headers and one row rendered from ``values`` by each column's widget."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([column.column_name for column in columns])
    row = []
    for column in columns:
        value = values.get(column.attribute)
        row.append("" if value is None else column.widget.render(value))
    writer.writerow(row)
    return out.getvalue().encode("utf-8")


def import_messages(model_admin, resource_class, user, content: bytes) -> list[str]:
    """Every error the admin's import reports for ``content``, in the order it reports
    them: what its import job runs (the resource, or the bulk session importer where the
    admin uses it)."""
    importer = SessionImporter if isinstance(model_admin, SessionBulkImportAdminMixin) else resource_class
    return importer(user=user).run_import(content, CSV(), dry_run=False).messages()


def test_every_import_refuses_another_countys_record_like_a_missing_one(changge_user, records):
    """Every admin import county staff may use (each resource, and the bulk session import),
    each column of a scoped relation: a row naming another county's record and one naming
    a missing record get the same errors at the same row and column; nothing is written."""
    request = county_request(changge_user)
    found = Findings()
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda item: label(item[0])):
        if not (hasattr(model_admin, "has_import_permission") and model_admin.has_import_permission(request)):
            continue
        bulk = isinstance(model_admin, SessionBulkImportAdminMixin)
        classes = model_admin.get_export_resource_classes(request) if bulk else \
            model_admin.get_import_resource_classes(request)
        for resource_class in classes:
            with translation.override(settings.LANGUAGE_CODE):
                columns = import_columns(resource_class(user=changge_user), bulk=bulk)
                relations = [(column, rel) for column in columns
                             if (rel := scoped_relation(model, column.attribute or ""))]
                if not relations:
                    continue
                try:
                    content = import_file(columns, valid_row(records, model))
                except CannotExercise as error:
                    found.failures.append(f"{resource_class.__name__}: {error}")
                    continue
                messages = import_messages(model_admin, resource_class, changge_user, content)
                found.check(resource_class.__name__, not messages, f"a valid row is refused: {messages}")
                for column, relation in relations:
                    case = f"{resource_class.__name__} “{column.column_name}”"
                    found.tried.append(f"import {label(model)}.{relation.name}")
                    other = elsewhere(records, relation)
                    content = import_file(columns, with_reference(valid_row(records, model, relation.name), relation,
                                                                  other))
                    count = model._base_manager.count()
                    out_of_scope = import_messages(model_admin, resource_class, changge_user, content)
                    if not forget(found, case, other):
                        continue
                    missing = import_messages(model_admin, resource_class, changge_user, content)
                    found.check(case, out_of_scope == missing,
                                f"{out_of_scope} for another county's record, {missing} for a missing one")
                    found.check(case, any(column.column_name in line for line in missing),
                                f"no error on the column: {missing}")
                    found.check(case, model._base_manager.count() == count, "a row was written")
    found.report("imports")


# ---------------------------------------------------------------------------------------
# The services
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipe:
    """How to call a service: as whom (``county`` staff of 长葛市, the ``reporter`` of an
    agency there, or ``city`` for a service only city staff may call, who see every
    record), and with which other arguments (``args(records)``; any argument also named
    there is the in-scope value, called once to show the call is otherwise valid)."""

    user: str = "county"
    args: Callable[[Records], dict] = lambda records: {}
    why: str = ""


EVALUATE = "needs applications.evaluate_application"
REPORTS, APPLICATIONS = "xuchang_ecom.reporting.services", "xuchang_ecom.applications.services"
ON = date(2021, 6, 1)

#: Services whose arguments do not come from an admin's valid row.
RECIPES: dict[str, Recipe] = {
    "livestream.services.agency_check": Recipe(args=lambda r: {"agency": r.here("livestream.agency")}),
    "livestream.services.agency_support": Recipe(args=lambda r: {
        "agency": r.here("livestream.agency"), "on": ON, "batch": "第二批"}),
    "livestream.services.cluster_recognise": Recipe(args=lambda r: {"cluster": r.here("livestream.cluster"), "on": ON}),
    "livestream.services.base_make_check_in": Recipe(args=lambda r: {"base": r.here("livestream.base")}),
    "livestream.services.brand_incubate": Recipe(args=lambda r: {"brand": r.here("livestream.brand"), "on": ON}),
    "livestream.services.anchor_certify": Recipe(args=lambda r: {"anchor": r.here("livestream.anchor"), "on": ON}),
    "livestream.services.anchor_update": Recipe(args=lambda r: {
        "anchor": r.here("livestream.anchor"), "data": {"left_on": None}}),
    "livestream.services.record_update": Recipe(args=lambda r: {"data": {}}),
    "livestream.services.record_delete": Recipe(),
    "poverty.services.enterprise_check": Recipe(args=lambda r: {"enterprise": r.here("poverty.enterprise")}),
    "poverty.services.enterprise_create": Recipe(args=lambda r: {
        "organisation": r.make("accounts.organisation", HERE), "recognised_on": date(2021, 1, 1),
        "alleviation_models": list(AlleviationModel.objects.all()[:1])}),
    "poverty.services.household_check": Recipe(args=lambda r: {"household": r.here("poverty.household")}),
    "poverty.services.household_reveal_id": Recipe(user="city", why="needs poverty.reveal_resident_id"),
    "poverty.services.record_update": Recipe(args=lambda r: {"data": {}}),
    "poverty.services.record_delete": Recipe(),
    "villages.services.designation_check": Recipe(args=lambda r: {"designation": r.here("villages.designation")}),
    "villages.services.designation_update": Recipe(args=lambda r: {
        "designation": r.here("villages.designation"), "data": {"note": "改"}}),
    "villages.services.designation_delete": Recipe(),
    "villages.services.honour_update": Recipe(args=lambda r: {"honour": r.here("villages.honour"), "data": {}}),
    "villages.services.honour_delete": Recipe(),
    f"{REPORTS}.report_save_draft": Recipe(user="reporter", args=lambda r: {
        "report": r.own_report(), "data": {"sales": "1"}, "version": r.own_report().version}),
    f"{REPORTS}.report_submit": Recipe(user="reporter", args=lambda r: {"data": {}, "version": 0}),
    f"{REPORTS}.report_return": Recipe(args=lambda r: {"version": 0, "field_comments": {"sales": "?"}}),
    f"{REPORTS}.report_approve": Recipe(args=lambda r: {"version": 0}),
    f"{REPORTS}.report_unlock": Recipe(user="city", why="needs reporting.unlock_report", args=lambda r: {
        "reason": "更正"}),
    f"{APPLICATIONS}.application_save_draft": Recipe(user="reporter", args=lambda r: {
        "application": r.own_application(), "data": {"statement": "示例"}, "version": r.own_application().version}),
    f"{APPLICATIONS}.application_submit": Recipe(user="reporter", args=lambda r: {"data": {}, "version": None}),
    f"{APPLICATIONS}.document_upload": Recipe(user="reporter", args=lambda r: {
        "application": r.own_application(), "requirement": r.call().documents.first(),
        "upload": SimpleUploadedFile("营业执照.pdf", PDF)}),
    f"{APPLICATIONS}.county_opinion_give": Recipe(args=lambda r: {"recommended": True}),
    f"{APPLICATIONS}.evaluation_save": Recipe(user="city", why=EVALUATE, args=lambda r: {"points": {}}),
    f"{APPLICATIONS}.application_return": Recipe(user="city", why=EVALUATE, args=lambda r: {"version": None}),
    f"{APPLICATIONS}.application_decide": Recipe(user="city", why=EVALUATE, args=lambda r: {
        "version": None, "approve": True}),
    "xuchang_ecom.accounts.services.reporter_create": Recipe(args=lambda r: {
        "organisation": r.here("accounts.organisation"), "username": f"new_reporter{r.serial()}"}),
}


def _models_in(annotation) -> tuple[list[type[models.Model]], bool]:
    """The model classes ``annotation`` names (``X``, ``X | None``, ``Iterable[X]`` …),
    and whether it is a collection of them."""
    if isinstance(annotation, type) and issubclass(annotation, models.Model):
        return [annotation], False
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    many = origin is not None and isinstance(origin, type) and issubclass(origin, Iterable) and origin is not dict
    found = []
    for arg in args if origin is not dict else ():
        inner, inner_many = _models_in(arg)
        found += inner
        many = many or inner_many
    return found, many


@dataclass
class ServiceCase:
    function: Callable
    name: str  # dotted
    parameter: str
    model: type[models.Model]
    many: bool
    #: The parameter is a field of the record the service creates (not the record it acts on).
    reference: bool
    recipe: Recipe | None


def admin_create_services() -> dict[Callable, type[models.Model]]:
    return {type(model_admin).create_service: model for model, model_admin in admin.site._registry.items()
            if getattr(type(model_admin), "create_service", None) is not None}


def admin_models_of(function) -> list[type[models.Model]]:
    """The models whose admins update or delete through ``function``."""
    return [model for model, model_admin in admin.site._registry.items()
            if function in (getattr(type(model_admin), "update_service", None),
                            getattr(type(model_admin), "delete_service", None))]


def service_cases() -> list[ServiceCase]:
    """Every parameter of every write service (a public function of an app's ``services``
    module taking ``user``) that is a record of a scoped model."""
    creates = admin_create_services()
    cases = []
    for app_config in apps.get_app_configs():
        if app_config.label not in APPS:
            continue
        try:
            module = import_module(f"{app_config.name}.services")
        except ModuleNotFoundError:
            continue
        for name, function in vars(module).items():
            if name.startswith("_") or not callable(function) or getattr(function, "__module__", "") != module.__name__:
                continue
            try:
                parameters = typing.get_type_hints(function)
            except Exception:
                parameters = dict(getattr(function, "__annotations__", {}))
            signature = inspect.signature(function)
            if "user" not in signature.parameters:
                continue
            returns = parameters.get("return")
            returned = (returns if isinstance(returns, type) and issubclass(returns, models.Model)
                        else creates.get(function))
            dotted = f"{module.__name__}.{name}"
            for parameter in signature.parameters:
                if parameter == "user":
                    continue
                found, many = _models_in(parameters.get(parameter))
                relation = scoped_relation(returned, parameter) if returned is not None else None
                if not found and relation is not None:
                    found, many = [relation.related_model], relation.many_to_many
                if not found and parameter == "instance":
                    found = admin_models_of(function)
                for model in found:
                    if not is_scoped(model):
                        continue
                    recipe = RECIPES.get(dotted)
                    if recipe is None and function in creates:
                        recipe = Recipe(args=lambda r, model=creates[function], focus=parameter: valid_row(
                            r, model, focus))
                    cases.append(ServiceCase(function, dotted, parameter, model, many,
                                             reference=relation is not None, recipe=recipe))
    return cases


def row_counts() -> dict[str, int]:
    return {label(model): model._base_manager.count() for model in apps.get_models()
            if model._meta.app_label in APPS}


def test_every_service_refuses_another_countys_record(changge_user, city_user, records):
    """Every write service, each parameter that is a record of a scoped model, called with
    another county's record: refused (a reference of the record written, with the message
    a missing record gets, on that field; the record acted on, as if it did not exist or
    as outside the user's area), and nothing written. A service only city staff may call
    refuses county staff outright."""
    users = {"county": changge_user, "reporter": records.reporter(), "city": city_user}
    found = Findings()
    cases = service_cases()
    for case in cases:
        where = f"{case.name}({case.parameter}: {label(case.model)})"
        if case.recipe is None:
            found.failures.append(f"{where}: no recipe; add one to RECIPES")
            continue
        try:
            args = case.recipe.args(records)
            other = records.make(label(case.model), ELSEWHERE)
        except CannotExercise as error:
            found.failures.append(f"{where}: {error}")
            continue
        found.tried.append(where)
        user = users[case.recipe.user]
        if case.recipe.user == "city":
            user = changge_user  # city staff see every record; county staff may not call it at all
        if case.parameter in args:
            try:
                with transaction.atomic():
                    case.function(user=user, **args)
                    transaction.set_rollback(True)
            except Exception as error:
                found.failures.append(f"{where}: the call is refused with the user's own record too: {error!r}")
                continue
        args = {**args, case.parameter: [other] if case.many else other}
        before = row_counts()
        refusal = None
        try:
            with transaction.atomic():
                case.function(user=user, **args)
        except (ValidationError, Http404, NotFound, PermissionDenied) as error:
            refusal = error
        except Exception as error:
            found.failures.append(f"{where}: failed with {error!r} instead of a refusal")
            continue
        found.check(where, refusal is not None, "another county's record is accepted")
        found.check(where, row_counts() == before, "something was written")
        if case.recipe.user == "city":
            found.check(where, isinstance(refusal, PermissionDenied),
                        f"county staff are not refused outright ({case.recipe.why}): {refusal!r}")
        elif case.reference:
            # The shared write path's answer, or the 404 of the services of reports and
            # applications: either way, as if the record did not exist.
            messages = getattr(refusal, "message_dict", {}).get(case.parameter)
            found.check(where, isinstance(refusal, Http404 | NotFound) or messages == [str(NOT_A_CHOICE)],
                        f"not refused on the field as a missing record: {refusal!r}")
        else:
            found.check(where, isinstance(refusal, ValidationError | Http404 | NotFound), f"refused with {refusal!r}")
    found.report("services")


def update_cases():
    """``(update function, model)``: every admin's update service and the model it changes."""
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda item: label(item[0])):
        update = getattr(type(model_admin), "update_service", None)
        if update is not None:
            yield update, model


def test_every_update_service_refuses_a_change_to_another_countys_record_and_keeps_one_it_leaves(
        changge_user, records):
    """An admin's update service (the one the imports use too), for each scoped relation of
    its model: changing it to another county's record is refused on the field like a missing
    one; a link to another county's record that city staff made and the update leaves as it
    is stays, whatever else the update changes."""
    found = Findings()
    for update, model in update_cases():
        for relation in scoped_relations_of(model):
            case = f"{update.__module__}.{update.__name__}({label(model)}.{relation.name})"
            try:
                record = record_in_county(records, model, focus=relation.name)
                other = elsewhere(records, relation)
            except CannotExercise as error:
                found.failures.append(f"{case}: {error}")
                continue
            found.tried.append(case)
            change = ({"data": {}, "m2m": {relation.name: [other]}} if relation.many_to_many
                      else {"data": {relation.name: other}})
            try:
                with transaction.atomic():
                    update(user=changge_user, instance=record, **change)
                refusal = None
            except ValidationError as error:
                refusal = error
            found.check(case, refusal is not None and refusal.message_dict.get(relation.name) == [str(NOT_A_CHOICE)],
                        f"not refused on the field as a missing record: {refusal!r}")
            record = type(record)._base_manager.get(pk=record.pk)
            found.check(case, not _refers_elsewhere(record, relation), "the change was written")
            if is_place(relation):
                continue
            # A link city staff made, left as it is.
            if relation.many_to_many:
                getattr(record, relation.name).add(other)
                change = {"data": {}, "m2m": {relation.name: list(getattr(record, relation.name).all())}}
            else:
                type(record)._base_manager.filter(pk=record.pk).update(**{relation.name: other})
                record = type(record)._base_manager.get(pk=record.pk)
                change = {"data": {relation.name: getattr(record, relation.name)}}
            try:
                update(user=changge_user, instance=record, **change)
            except ValidationError as error:
                found.failures.append(f"{case}: an update leaving the existing link is refused: {error!r}")
            record = type(record)._base_manager.get(pk=record.pk)
            found.check(case, _refers_elsewhere(record, relation), "the existing link was dropped")
    found.report("update services")


def record_in_county(records: Records, model, *, focus: str) -> models.Model:
    """A new record of ``model`` in 长葛市 whose ``focus`` relation may be set: written by its
    admin's create service from a valid row where there is one, else by ``MAKERS``."""
    create = next((service for service, created in admin_create_services().items() if created is model), None)
    if create is not None and label(model) in VALID_ROWS:
        return create(user=records.city, **valid_row(records, model, focus))
    return records.make(label(model), HERE)


def test_an_update_cannot_slip_a_reference_in_beside_the_fields_it_names(changge_user, records):
    """The check compares with the stored row, not with the fields an update names: a
    reference changed on the instance (as a form or an import changes it before calling
    the service) is checked even when only the place is in ``data``."""
    from livestream import services as livestream

    session = SessionFactory(region=region(HERE))
    session.agency = records.make("livestream.agency", ELSEWHERE)
    with pytest.raises(ValidationError) as refusal:
        livestream.record_update(user=changge_user, instance=session, data={"region": region(GANGLI)})
    assert refusal.value.message_dict == {"agency": [str(NOT_A_CHOICE)]}
    session.refresh_from_db()
    assert session.agency is None and session.region == region(HERE)


def scoped_relations_of(model):
    from xuchang_ecom.records.services import scoped_relations

    return [relation for relation in scoped_relations(model) if relation.editable]


def test_the_derived_write_paths_include_the_ones_the_issue_names(changge_user):
    """A guard on the derivation itself: the session API's base, agency and anchors, the
    session import's columns and the session service's parameters are all found."""
    endpoints = {(path, method): serializer for path, method, serializer, _model in writable_endpoints()}
    sessions = endpoints[("/api/livestream/sessions/", "POST")]
    assert {"base", "agency", "anchors"} <= {
        name for name, f in sessions.fields.items() if (m := related_model(f)) is not None and is_scoped(m)}
    names = {(case.name, case.parameter) for case in service_cases()}
    assert {("livestream.services.session_create", "base"), ("livestream.services.session_create", "agency"),
            ("livestream.services.session_create", "anchors"), ("livestream.services.agency_support", "agency"),
            ("poverty.services.employment_create", "household")} <= names


# ---------------------------------------------------------------------------------------
# What applications refer to by rules of their own
# ---------------------------------------------------------------------------------------


def test_an_application_refers_only_to_what_its_applicant_may_see(client, records):
    """An application's call, the registry record it applies for and its documents are not
    records of a county but are checked by rules of their own: a call that is not
    published, another organisation's record and a document another call asks for are
    refused as missing ones are."""
    applicant = records.reporter()
    application = records.own_application()

    other_agency = records.make("livestream.agency", ELSEWHERE)
    application, for_other = applications.application_save_draft(
        user=applicant, application=application, data={"subject": str(other_agency.pk)}, version=application.version)
    other_agency.delete()
    application, for_missing = applications.application_save_draft(
        user=applicant, application=application, data={"subject": str(other_agency.pk)}, version=application.version)
    assert for_other == for_missing and "subject" in for_missing

    client.force_login(applicant)
    hidden = call(published=False, title="尚未发布的申报")
    hidden_answer = client.post(reverse("applications:start", args=[hidden.pk]))
    hidden_pk = hidden.pk
    hidden.delete()
    assert hidden_answer.status_code == client.post(reverse("applications:start", args=[hidden_pk])).status_code == 404

    requirement = call(title="另一项申报").documents.first()
    with pytest.raises(NotFound):
        applications.document_upload(user=applicant, application=application, requirement=requirement,
                                     upload=SimpleUploadedFile("营业执照.pdf", PDF))
    assert not application.uploads.exists()


def test_the_reporter_account_form_refuses_another_countys_organisation_like_a_missing_one(
        client, changge_user, records):
    """The one page outside the admin where county staff choose a record: a reporter
    account for an organisation."""
    client.force_login(changge_user)
    organisation = agency_reporter(records.city, "elsewhere_reporter", county=ELSEWHERE).organisation
    organisation.reporters.all().delete()
    data = {"organisation": organisation.pk, "username": "new_reporter", "email": "new@example.org"}
    url = reverse("reporting:accounts-new")
    out_of_scope = client.post(url, data)
    organisation.livestream_agency.delete()
    organisation.delete()
    missing = client.post(url, data)
    assert out_of_scope.status_code == missing.status_code == 200
    assert out_of_scope.context["form"].errors == missing.context["form"].errors
    assert "organisation" in missing.context["form"].errors


def test_the_refusal_reads_in_chinese():
    with translation.override("zh-hans"):
        assert str(NOT_A_CHOICE) == "选择一个有效的选项： 该选择不在可用的选项中。"
