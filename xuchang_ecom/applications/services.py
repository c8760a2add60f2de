"""Every write to calls and applications.

An application moves through the project's one review mechanism (``reporting.review``):
each step locks the row, checks the version the user's form was built from, and is kept
as an ApplicationEvent with who, when and why. Approval writes what was granted into the
registry through the registry's own service (``grants``), dated the day it takes effect:
the day after the public notice period, or the day of approval for a call without one.
"""
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from xuchang_ecom.accounts.models import Organisation, Role
from xuchang_ecom.common.errors import NotAllowed, NotFound
from xuchang_ecom.common.numbers import parse_whole_number
from xuchang_ecom.reporting.models import Report
from xuchang_ecom.workflow import review

from . import grants, notify, selectors
from .documents import document_check
from .models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Call,
    Conflict,
    CountyOpinion,
    Criterion,
    Document,
    Evaluation,
    Notice,
    RequiredDocument,
    Score,
)

EDITABLE = (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)
EVALUATE = "applications.evaluate_application"
COUNTY_OPINION = "applications.give_county_opinion"


# -- calls --------------------------------------------------------------------------------


@transaction.atomic
def call_create(*, title: str, kind: str, opens_on: date, closes_on: date, batch: str = "", description: str = "",
                organisation_groups=(), counties=(), figures=(), notice_days: int = 7) -> Call:
    """A new call, not yet published; returns it saved. Raises ValidationError (a call
    closing before it opens among others)."""
    call = Call(title=title.strip(), kind=kind, batch=batch.strip(), description=description,
                organisation_groups=list(organisation_groups), figures=list(figures), opens_on=opens_on,
                closes_on=closes_on, notice_days=notice_days)
    call.full_clean()
    call.save()
    call.counties.set(counties)
    return call


@transaction.atomic
def call_update(*, call: Call, data: dict) -> Call:
    """Change ``call``'s fields (``counties`` among them) to ``data``; returns it saved.
    Raises ValidationError."""
    data = dict(data)
    counties = data.pop("counties", None)
    for name, value in data.items():
        setattr(call, name, value.strip() if name in ("title", "batch") else value)
    call.full_clean()
    call.save()
    if counties is not None:
        call.counties.set(counties)
    return call


@transaction.atomic
def call_delete(*, call: Call) -> None:
    """Delete ``call`` with its criteria and documents asked for. Raises ValidationError
    once organisations have applied to it: their applications are kept."""
    if call.applications.exists():
        raise ValidationError(_("Organisations have applied to “%(call)s”: it cannot be deleted.") % {"call": call},
                              code="applied")
    call.delete()


def _weights_check(total: int) -> None:
    if total != 100:
        raise ValidationError(_("The criteria's weights add up to %(total)s; they must add up to 100.")
                              % {"total": total}, code="weights")


def _items_kept_check(call: Call, existing, items: list[dict], message: str) -> None:
    """Raise ValidationError(``message``) when ``items`` add to or leave out any of
    ``existing`` (the call's criteria or documents) once organisations have applied."""
    if call.pk is None or not call.applications.exists():
        return
    kept = {item["id"] for item in items if item.get("id")}
    if len(kept) < len(items) or kept != set(existing.values_list("pk", flat=True)):
        raise ValidationError(message, code="applied")


def call_criteria_check(*, call: Call, criteria: list[dict]) -> None:
    """Raise ValidationError unless ``call`` may have exactly ``criteria``: once
    organisations have applied, none may be added or removed (they applied under them);
    once it is published, their weights must add up to 100, as on publication.

    Each criterion is ``{"id": its id, None for a new one, "name", "weight", "position"}``."""
    _items_kept_check(call, call.criteria, criteria, _(
        "Organisations have already applied to this call under these criteria: a criterion can no longer be added "
        "or removed."))
    if call.is_published:
        _weights_check(sum(item["weight"] for item in criteria))


def call_documents_check(*, call: Call, documents: list[dict]) -> None:
    """Raise ValidationError when ``documents`` add a document asked for or leave one out
    once organisations have applied to ``call``: they answered (uploaded) those asked for.

    Each document is ``{"id": its id, None for a new one, "name", "is_required", "position"}``."""
    _items_kept_check(call, call.documents, documents, _(
        "Organisations have already applied to this call with these documents: a document asked for can no longer "
        "be added or removed."))


def _items_set(call: Call, model, existing, items: list[dict]) -> None:
    rows = existing.in_bulk()
    existing.exclude(pk__in=[item["id"] for item in items if item.get("id")]).delete()
    for item in items:
        row = rows[item["id"]] if item.get("id") else model(call=call)
        for name, value in item.items():
            if name != "id":
                setattr(row, name, value.strip() if name == "name" else value)
        row.full_clean()
        row.save()


@transaction.atomic
def call_criteria_set(*, call: Call, criteria: list[dict]) -> None:
    """Make ``call``'s scoring criteria exactly ``criteria`` (see ``call_criteria_check``,
    whose ValidationError it raises): those with an id are changed, the others added,
    those left out removed."""
    call_criteria_check(call=call, criteria=criteria)
    _items_set(call, Criterion, call.criteria, criteria)


@transaction.atomic
def call_documents_set(*, call: Call, documents: list[dict]) -> None:
    """Make the documents ``call`` asks for exactly ``documents`` (see
    ``call_documents_check``, whose ValidationError it raises), as ``call_criteria_set``."""
    call_documents_check(call=call, documents=documents)
    _items_set(call, RequiredDocument, call.documents, documents)


@transaction.atomic
def call_publish(*, call: Call) -> Call:
    """Publish ``call``: listed publicly and open to applications between its dates.
    Raises ValidationError without criteria or when their weights do not add up to 100."""
    _weights_check(sum(call.criteria.values_list("weight", flat=True)))
    if call.published_at is None:
        call.published_at = timezone.now()
        call.save(update_fields=["published_at"])
    return call


# -- conflicts of interest ----------------------------------------------------------------


@transaction.atomic
def conflict_declare(*, reviewer, organisation: Organisation, reason: str) -> Conflict:
    """Record that ``reviewer`` is linked to ``organisation`` (``reason``: how), so they
    cannot score its applications (``evaluation_save``). Raises ValidationError, for a
    link declared already among others."""
    conflict = Conflict(user=reviewer, organisation=organisation, reason=reason.strip())
    conflict.full_clean()
    conflict.save()
    return conflict


@transaction.atomic
def conflict_update(*, conflict: Conflict, data: dict) -> Conflict:
    """Change a declared conflict's reviewer (``user``), organisation or reason to
    ``data``; returns it saved. Raises ValidationError."""
    for name, value in data.items():
        setattr(conflict, name, value.strip() if name == "reason" else value)
    conflict.full_clean()
    conflict.save()
    return conflict


@transaction.atomic
def conflict_delete(*, conflict: Conflict) -> None:
    """Withdraw a declared conflict: the reviewer may score the organisation's applications again."""
    conflict.delete()


# -- what an application holds ------------------------------------------------------------


def items(application: Application) -> list[tuple[str, str]]:
    """``(name, label)`` of everything an applicant fills in, in form order: what the
    reviewer can return one by one."""
    call = application.call
    kind = grants.get_kind(call.kind)
    listed = []
    if kind.subjects is not None:
        listed.append(("subject", _("Applying for")))
    listed.append(("statement", _("Statement")))
    listed += [(f"figure:{name}", str(Report._meta.get_field(name).verbose_name)) for name in call.figures]
    listed += [(f"document:{document.pk}", document.name) for document in call.documents.all()]
    return listed


def editable_items(application: Application) -> tuple[str, ...]:
    return review.editable_fields(application, [name for name, _label in items(application)],
                                  draft=ApplicationStatus.DRAFT, returned=ApplicationStatus.RETURNED)


def subject_of(application: Application):
    """The registry record applied for, or None."""
    kind = grants.get_kind(application.call.kind)
    if kind.subjects is None or application.subject_id is None:
        return None
    return kind.subjects(application.organisation).filter(pk=application.subject_id).first()


def _record(application: Application, action: str, user, comment: str = "", field_comments=None) -> None:
    ApplicationEvent.objects.create(application=application, action=action, user=user, comment=comment,
                                    field_comments=field_comments or {})


def _check_applicant(user, application: Application) -> None:
    if user.role != Role.REPORTER or user.organisation_id != application.organisation_id:
        raise NotFound


def _locked(application: Application, version: int | None, statuses) -> Application:
    return review.locked(application, version, statuses, related=("call", "organisation__region"))


# -- the applicant ------------------------------------------------------------------------


@transaction.atomic
def application_start(*, user, call: Call) -> Application:
    """The reporter's organisation's application to ``call``, started as a draft pre-filled
    from its approved reports if there is none. Raises NotAllowed for a user who is
    not a reporter, ValidationError when the call is not open or not for the organisation."""
    if user.role != Role.REPORTER or not user.organisation_id:
        raise NotAllowed
    existing = Application.objects.filter(call=call, organisation_id=user.organisation_id).first()
    if existing is not None:
        return existing
    if not call.is_open:
        raise ValidationError(_("This call is not open for applications."), code="closed")
    problem = selectors.eligibility_problem(call=call, organisation=user.organisation)
    if problem:
        raise ValidationError(problem, code="not_eligible")
    figures = selectors.report_totals(organisation=user.organisation, call=call)
    subjects = grants.get_kind(call.kind).subjects
    subject_ids = list(subjects(user.organisation).values_list("pk", flat=True)[:2]) if subjects else []
    try:
        with transaction.atomic():
            application = Application.objects.create(
                call=call, organisation_id=user.organisation_id,
                figures=figures,
                # One record to apply for: chosen already.
                subject_id=subject_ids[0] if len(subject_ids) == 1 else None,
            )
    except IntegrityError:
        return Application.objects.get(call=call, organisation_id=user.organisation_id)
    _record(application, ApplicationEvent.Action.DRAFTED, user)
    return application


def _parse(application: Application, data: dict[str, str]) -> tuple[dict, dict[str, list[str]]]:
    """``(changes, errors)`` for the editable items in ``data`` (text as typed)."""
    editable = editable_items(application)
    changes: dict = {}
    errors: dict[str, list[str]] = {}
    if "subject" in editable and "subject" in data:
        text = (data["subject"] or "").strip()
        subjects = grants.get_kind(application.call.kind).subjects(application.organisation)
        if not text:
            changes["subject_id"] = None
        elif (pk := parse_whole_number(text, minimum=1)) is not None and subjects.filter(pk=pk).exists():
            changes["subject_id"] = pk
        else:
            errors["subject"] = [_("Choose one of your organisation's records.")]
    if "statement" in editable and "statement" in data:
        changes["statement"] = (data["statement"] or "").strip()
    figures = dict(application.figures)
    for name in application.call.figures:
        key = f"figure:{name}"
        if key not in editable or key not in data:
            continue
        text = (data[key] or "").strip().replace(",", "").replace("，", "")
        if not text:
            figures.pop(name, None)
            continue
        try:
            value = Report._meta.get_field(name).clean(text, None)
        except (ValidationError, InvalidOperation) as error:
            errors[key] = getattr(error, "messages", [_("Enter a number.")])
            continue
        figures[name] = selectors.figure_text(name, value)
    changes["figures"] = figures
    return changes, errors


@transaction.atomic
def application_save_draft(*, user, application: Application, data: dict[str, str],
                           version: int | None) -> tuple[Application, dict[str, list[str]]]:
    """Keep what the applicant typed; returns the application and the errors per item.
    Everything typed is kept as typed, even with errors; the valid values are stored."""
    _check_applicant(user, application)
    application = _locked(application, version, EDITABLE)
    changes, errors = _parse(application, data)
    review.keep_draft(application, changes, data, editable_items(application))
    return application, errors


@transaction.atomic
def document_upload(*, user, application: Application, requirement: RequiredDocument, upload) -> Document:
    """Keep ``upload`` as the application's ``requirement`` document, replacing an earlier
    one. Raises ValidationError if the document cannot be changed now or the file is not
    a PDF or image of the allowed size (checked by content)."""
    _check_applicant(user, application)
    application = _locked(application, None, EDITABLE)
    if requirement.call_id != application.call_id:
        raise NotFound
    if f"document:{requirement.pk}" not in editable_items(application):
        raise ValidationError(_("This document cannot be changed now."), code="not_editable")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = document_check(name=upload.name, head=head, size=upload.size)
    previous = Document.objects.filter(application=application, requirement=requirement).first()
    if previous is not None:
        previous.file.delete(save=False)
        previous.delete()
    document = Document(application=application, requirement=requirement, original_name=upload.name[:200],
                        content_type=content_type, size=upload.size, uploaded_by=user)
    document.file.save(requirement.name, upload, save=False)
    document.save()
    application.version += 1
    application.save(update_fields=["version", "updated_at"])
    return document


def _missing(application: Application) -> dict[str, list[str]]:
    """What a submission still lacks, per item."""
    missing: dict[str, list[str]] = {}
    if grants.get_kind(application.call.kind).subjects is not None and subject_of(application) is None:
        missing["subject"] = [_("Choose what you apply for.")]
    if not application.statement:
        missing["statement"] = [_("Write the statement.")]
    for name in application.call.figures:
        if name not in application.figures:
            missing[f"figure:{name}"] = [_("Fill in this figure (0 if there was none).")]
    uploaded = set(application.uploads.values_list("requirement_id", flat=True))
    for document in application.call.documents.filter(is_required=True):
        if document.pk not in uploaded:
            missing[f"document:{document.pk}"] = [_("Upload this document.")]
    return missing


def application_submit(*, user, application: Application, data: dict[str, str], version: int | None) -> Application:
    """Submit (or resubmit after a return) with what is in ``data``.

    Raises ValidationError per item when something is missing or invalid (the typed input
    is kept, as for a draft), with code ``closed`` for a first submission after the
    closing date, ``stale`` for a form that is out of date.
    """
    application, errors = application_save_draft(user=user, application=application, data=data, version=version)
    resubmission = application.status == ApplicationStatus.RETURNED
    if not resubmission and not application.call.is_open:
        raise ValidationError(_("The call closed on %(day)s; applications can no longer be submitted.")
                              % {"day": application.call.closes_on}, code="closed")
    errors = {**_missing(application), **errors}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        application = _locked(application, application.version, EDITABLE)
        application.status = ApplicationStatus.SUBMITTED
        application.draft_input = {}
        application.returned_fields = []
        application.submitted_at = timezone.now()
        application.version += 1
        application.save()
        _record(application, ApplicationEvent.Action.RESUBMITTED if resubmission
                else ApplicationEvent.Action.SUBMITTED, user)
        notify.application_arrived(application)
    return application


# -- the bureau ---------------------------------------------------------------------------


def _check_staff(user, application: Application, permission: str) -> None:
    if not user.has_perm(permission):
        raise NotAllowed
    if not selectors.application_list(user=user).filter(pk=application.pk).exists():
        raise NotFound


@transaction.atomic
def county_opinion_give(*, user, application: Application, recommended: bool, comment: str = "") -> CountyOpinion:
    """The county bureau's first opinion on a submitted application of its county (county
    staff only: another county's application answers 404)."""
    if user.role != Role.COUNTY_STAFF:
        raise NotAllowed
    _check_staff(user, application, COUNTY_OPINION)
    application = _locked(application, None, (ApplicationStatus.SUBMITTED,))
    opinion, _created = CountyOpinion.objects.update_or_create(
        application=application, defaults={"recommended": recommended, "comment": comment.strip(), "user": user})
    verdict = _("recommended") if recommended else _("not recommended")
    _record(application, ApplicationEvent.Action.COUNTY_OPINION, user,
            _("%(verdict)s: %(comment)s") % {"verdict": verdict, "comment": comment.strip()} if comment.strip()
            else verdict)
    return opinion


@transaction.atomic
def evaluation_save(*, user, application: Application, points: dict[int, str], comment: str = "") -> Evaluation:
    """``user``'s scores of a submitted application, one per criterion of its call, kept
    per evaluator (scoring again replaces them). Raises ValidationError for a score out of
    range, a missing one, or an evaluator linked to the applicant."""
    _check_staff(user, application, EVALUATE)
    application = _locked(application, None, (ApplicationStatus.SUBMITTED,))
    if selectors.has_conflict(user=user, organisation=application.organisation):
        raise ValidationError(_("You are linked to %(organisation)s, so you cannot score its applications.")
                              % {"organisation": application.organisation}, code="conflict")
    scores, errors = {}, {}
    for criterion in application.call.criteria.all():
        try:
            value = Decimal(str(points.get(criterion.pk, "")).strip())
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or not 0 <= value <= criterion.weight or value != round(value, 1):
            errors[f"criterion_{criterion.pk}"] = [
                _("Give a score from 0 to %(weight)s, with at most one decimal.") % {"weight": criterion.weight}]
            continue
        scores[criterion] = value
    if errors:
        raise ValidationError(errors)
    evaluation, _created = Evaluation.objects.update_or_create(
        application=application, evaluator=user,
        defaults={"total": sum(scores.values(), Decimal(0)), "comment": comment.strip()})
    evaluation.scores.all().delete()
    Score.objects.bulk_create([Score(evaluation=evaluation, criterion=criterion, points=value)
                               for criterion, value in scores.items()])
    _record(application, ApplicationEvent.Action.SCORED, user, _("total %(total)s") % {"total": evaluation.total})
    return evaluation


@transaction.atomic
def application_return(*, user, application: Application, version: int | None, comment: str = "",
                       field_comments: dict[str, str] | None = None) -> Application:
    """Return a submitted application for more material, with a comment on each item to
    complete: only those can be changed before it is submitted again."""
    _check_staff(user, application, EVALUATE)
    application = _locked(application, version, (ApplicationStatus.SUBMITTED,))
    field_comments = review.return_comments([name for name, _label in items(application)], field_comments)
    application.status = ApplicationStatus.RETURNED
    application.returned_fields = list(field_comments)
    application.version += 1
    application.save()
    _record(application, ApplicationEvent.Action.RETURNED, user, comment.strip(), field_comments)
    notify.application_returned(application)
    return application


def _take_effect(*, user, application: Application, on: date) -> None:
    grants.grant(user=user, kind=application.call.kind, subject=subject_of(application), on=on,
                 batch=application.call.batch)
    application.effective_on = on
    application.save(update_fields=["effective_on", "updated_at"])


@transaction.atomic
def application_decide(*, user, application: Application, version: int | None, approve: bool,
                       comment: str = "") -> Application:
    """Approve or reject a submitted application. An approval in a call without a notice
    period takes effect at once; otherwise when the call's public notice period ends."""
    _check_staff(user, application, EVALUATE)
    application = _locked(application, version, (ApplicationStatus.SUBMITTED,))
    if Notice.objects.filter(call_id=application.call_id).exists():
        raise ValidationError(_("The call's public notice is published; no more decisions can be made."),
                              code="noticed")
    if not comment.strip() and not approve:
        raise ValidationError(_("Say why the application is rejected."), code="no_reason")
    application.status = ApplicationStatus.APPROVED if approve else ApplicationStatus.REJECTED
    application.decided_at = timezone.now()
    application.version += 1
    application.save()
    _record(application, ApplicationEvent.Action.APPROVED if approve else ApplicationEvent.Action.REJECTED, user,
            comment.strip())
    notify.application_decided(application, approved=approve)
    if approve and application.call.notice_days == 0:
        today = timezone.localdate()
        _take_effect(user=user, application=application, on=today)
        _record(application, ApplicationEvent.Action.TOOK_EFFECT, user)
    return application


#: What is still waiting for the bureau: a returned application may come back after the
#: closing date (``application_submit``), so it is not decided either.
UNDECIDED = (ApplicationStatus.SUBMITTED, ApplicationStatus.RETURNED)


def notice_refusal(*, call: Call, today: date | None = None) -> ValidationError | None:
    """Why the call's public notice cannot be published ``today`` (default: today), or None.

    The notice is the call's final list: it goes out only once the call has closed (so no
    new application can arrive) and every application made is decided (none submitted or
    returned for more material). A draft never submitted by the closing date is not an
    application made: it can no longer be submitted, so it holds nothing up."""
    today = today or timezone.localdate()
    if call.closes_on >= today:
        return ValidationError(_("The call is open until %(day)s; its public notice can be published only after "
                                 "it has closed.") % {"day": call.closes_on.strftime("%Y-%m-%d")}, code="open")
    undecided = call.applications.filter(status__in=UNDECIDED).count()
    if undecided:
        return ValidationError(ngettext(
            "%(count)d application is not decided yet (submitted, or returned for more material); decide it "
            "before publishing the public notice.",
            "%(count)d applications are not decided yet (submitted, or returned for more material); decide them "
            "before publishing the public notice.", undecided) % {"count": undecided}, code="undecided")
    return None


@transaction.atomic
def notice_publish(*, user, call: Call) -> Notice:
    """Publish the call's approved applications as its public notice (公示), from today for
    the call's notice period; what they were granted is written into the registry dated
    the day after it ends. Raises ValidationError if the notice is out already, the call
    has not closed or an application is undecided (``notice_refusal``), or nothing is
    approved."""
    if not user.has_perm(EVALUATE):
        raise NotAllowed
    # The lock on the call keeps two publications apart.
    call = Call.objects.select_for_update().get(pk=call.pk)
    if Notice.objects.filter(call=call).exists():
        raise ValidationError(_("The notice of this call is published already."), code="published")
    if (refusal := notice_refusal(call=call)) is not None:
        raise refusal
    approved = list(call.applications.filter(status=ApplicationStatus.APPROVED)
                    .select_related("organisation__region__county").order_by("organisation__name"))
    if not approved:
        raise ValidationError(_("No application of this call is approved yet."), code="empty")
    kind = grants.get_kind(call.kind)
    today = timezone.localdate()
    notice = Notice.objects.create(
        call=call, starts_on=today, ends_on=today + timedelta(days=max(call.notice_days, 1) - 1),
        published_by=user,
        entries=[{"name": application.organisation.name,
                  "county": str(application.organisation.region.county or application.organisation.region),
                  "granted": str(kind.granted)} for application in approved],
    )
    for application in approved:
        if application.effective_on is None:
            _take_effect(user=user, application=application, on=notice.takes_effect_on)
        _record(application, ApplicationEvent.Action.NOTICE, user,
                _("takes effect on %(day)s") % {"day": application.effective_on})
    return notice
