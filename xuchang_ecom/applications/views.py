"""Applications (申报) on the web: the public list of calls and notices, the applicant's
form, the county's first opinion, the evaluators' scores and ranking, the decision.

Another organisation's application, or another county's for county staff, answers 404 as
if it did not exist; documents are served only through ``document_view`` to those who
may see the application.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuchang_ecom.accounts.models import Role
from xuchang_ecom.workflow import review
from xuchang_ecom.workflow.forms import ReturnForm

from . import grants, selectors, services
from .forms import ApplicationForm, EvaluationForm
from .models import ApplicationEvent, ApplicationStatus, Call, Document, Notice


def _errors(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


# -- public -------------------------------------------------------------------------------


def call_list_view(request):
    """Published calls, open ones first, and the public notices of what was granted."""
    today = timezone.localdate()
    calls = list(Call.objects.published().order_by("-closes_on", "-pk")[:50])
    return render(request, "applications/public_calls.html", {
        "open_calls": [call for call in calls if call.opens_on <= today <= call.closes_on],
        "other_calls": [call for call in calls if not call.opens_on <= today <= call.closes_on],
        "notices": Notice.objects.select_related("call").all()[:20],
        "today": today,
    })


def call_detail_view(request, pk: int):
    call = get_object_or_404(Call.objects.published(), pk=pk)
    return render(request, "applications/public_call.html", {
        "call": call, "kind": grants.get_kind(call.kind), "criteria": call.criteria.all(),
        "documents": call.documents.all(), "counties": call.counties.all(),
        "notice": Notice.objects.filter(call=call).first(),
    })


# -- the applicant and the bureau ---------------------------------------------------------


@login_required
def home_view(request):
    """A reporter's applications and the calls open to their organisation; staff's calls
    with their applications to review."""
    user = request.user
    context = {"applications": selectors.application_list(user=user).order_by("-updated_at")[:50]}
    if user.role == Role.REPORTER and user.organisation_id:
        # The organisation's own application to each call, whatever its state: a draft is
        # not an application made, and the card must say so.
        mine = {application.call_id: application for application in selectors.application_list(user=user)}
        context["calls"] = [(call, problem, mine.get(call.pk))
                            for call, problem in selectors.calls_for(organisation=user.organisation)]
    else:
        context["staff_calls"] = Call.objects.published()[:20]
    return render(request, "applications/home.html", context)


@login_required
@require_POST
def start_view(request, call_pk: int):
    call = get_object_or_404(Call.objects.published(), pk=call_pk)
    try:
        application = services.application_start(user=request.user, call=call)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        _errors(request, error)
        return redirect("applications:home")
    return redirect("applications:edit", pk=application.pk)


@login_required
def edit_view(request, pk: int):
    """The form: save a draft (errors shown, nothing lost), upload documents, submit."""
    user = request.user
    if user.role != Role.REPORTER:
        raise Http404
    application = selectors.application_get(user=user, pk=pk)
    editable = services.editable_items(application)
    if not editable:
        if request.method == "POST":
            _errors(request, review.stale_error())
        return redirect("applications:detail", pk=application.pk)
    items = services.items(application)
    # A draft's figures not filled in yet start from the approved reports, as they are now.
    prefill = (selectors.report_totals(organisation=application.organisation, call=application.call)
               if application.status == ApplicationStatus.DRAFT else None)
    form = ApplicationForm(request.POST or None, request.FILES or None, application=application, items=items,
                           editable=editable, prefill=prefill)
    if request.method == "POST" and review.posted_version(request) != application.version:
        # A form from before a review, or from another tab that has saved since.
        _errors(request, review.stale_error())
        return redirect("applications:detail", pk=application.pk)
    if request.method == "POST":
        errors: dict[str, list[str]] = {}
        try:
            for requirement_pk, upload in form.uploads().items():
                requirement = get_object_or_404(application.call.documents, pk=requirement_pk)
                try:
                    services.document_upload(user=user, application=application, requirement=requirement,
                                             upload=upload)
                except ValidationError as error:
                    errors[f"document:{requirement_pk}"] = error.messages
            application = selectors.application_get(user=user, pk=pk)
            if request.POST.get("action") == "submit" and not errors:
                services.application_submit(user=user, application=application, data=form.typed(),
                                            version=application.version)
                messages.success(request, _("Application submitted. You will see here what the bureau decides."))
                return redirect("applications:detail", pk=application.pk)
            application, draft_errors = services.application_save_draft(
                user=user, application=application, data=form.typed(), version=application.version)
            errors.update(draft_errors)
            if not errors:
                messages.success(request, _("Draft saved."))
                return redirect("applications:edit", pk=application.pk)
            messages.warning(request, _("Draft saved; some items need correcting before you submit."))
        except ValidationError as error:
            if review.moved_on(error):
                _errors(request, error)
                return redirect("applications:detail", pk=application.pk)
            errors.update(error.message_dict)
        application = selectors.application_get(user=user, pk=pk)
        form = ApplicationForm(request.POST, application=application, items=items, editable=editable,
                               prefill=prefill)
        form.add_service_errors(errors)
    returned = (application.events.filter(action=ApplicationEvent.Action.RETURNED).last()
                if application.status == ApplicationStatus.RETURNED else None)
    uploads = {f"document:{document.requirement_id}": document for document in application.uploads.all()}
    return render(request, "applications/edit.html", {
        "application": application, "form": form, "returned": returned,
        "rows": [(form[name], uploads.get(name)) for name in form.fields],
    })


def _detail_context(request, application) -> dict:
    labels = dict(services.items(application))
    return {
        "application": application,
        "subject": services.subject_of(application),
        "figures": [(labels[f"figure:{name}"], application.figures.get(name)) for name in application.call.figures],
        "uploads": application.uploads.select_related("requirement"),
        "events": application.events.select_related("user"),
        "opinion": getattr(application, "county_opinion", None),
        "evaluations": application.evaluations.select_related("evaluator").prefetch_related("scores__criterion"),
    }


@login_required
def detail_view(request, pk: int):
    application = selectors.application_get(user=request.user, pk=pk)
    context = _detail_context(request, application)
    user = request.user
    staff = user.role != Role.REPORTER
    if not staff:
        # The county's opinion and the evaluators' scores stay with the bureau.
        context.pop("evaluations")
        context.pop("opinion")
        context["events"] = context["events"].exclude(action__in=[ApplicationEvent.Action.COUNTY_OPINION,
                                                                  ApplicationEvent.Action.SCORED])
    if staff and application.status == ApplicationStatus.SUBMITTED:
        if user.role == Role.COUNTY_STAFF and user.has_perm(services.COUNTY_OPINION):
            context["may_give_opinion"] = True
        if user.has_perm(services.EVALUATE):
            context["conflict"] = selectors.has_conflict(user=user, organisation=application.organisation)
            criteria = list(application.call.criteria.all())
            mine = application.evaluations.filter(evaluator=user).prefetch_related("scores").first()
            initial = {f"criterion_{score.criterion_id}": score.points for score in mine.scores.all()} if mine else {}
            if mine:
                initial["comment"] = mine.comment
            # No label suffix: Django's is a Latin colon, and the page's other forms have none.
            context["evaluation_form"] = EvaluationForm(initial=initial, criteria=criteria, label_suffix="")
            context["return_form"] = ReturnForm(items=services.items(application), label_suffix="")
            context["may_decide"] = True
    return render(request, "applications/detail.html", context)


@login_required
def document_view(request, pk: int, document_pk: int):
    """A document of an application the user may see; never from the web root."""
    application = selectors.application_get(user=request.user, pk=pk)
    document = get_object_or_404(Document, pk=document_pk, application=application)
    response = FileResponse(document.file.open("rb"), content_type=document.content_type,
                            filename=document.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    add_never_cache_headers(response)  # an applicant's private document: no cache keeps it
    return response


@login_required
@require_POST
def decide_view(request, pk: int):
    """County opinion, scores, return, approval or rejection, by the ``action`` posted."""
    user = request.user
    if user.role == Role.REPORTER:
        raise Http404
    application = selectors.application_get(user=user, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "opinion":
            services.county_opinion_give(user=user, application=application,
                                         recommended=request.POST.get("recommended") == "yes",
                                         comment=request.POST.get("comment", ""))
            messages.success(request, _("Opinion recorded."))
        elif action == "score":
            form = EvaluationForm(request.POST, criteria=list(application.call.criteria.all()))
            services.evaluation_save(user=user, application=application, points=form.points(),
                                     comment=request.POST.get("comment", ""))
            messages.success(request, _("Scores saved."))
        elif action == "return":
            form = ReturnForm(request.POST, items=services.items(application))
            form.is_valid()
            services.application_return(user=user, application=application, version=review.posted_version(request),
                                         comment=form.cleaned_data.get("comment", ""),
                                         field_comments=form.field_comments())
            messages.success(request, _("Application returned for more material."))
        elif action in ("approve", "reject"):
            services.application_decide(user=user, application=application, version=review.posted_version(request),
                                        approve=action == "approve", comment=request.POST.get("comment", ""))
            messages.success(request, _("Application approved.") if action == "approve"
                             else _("Application rejected."))
        else:
            return HttpResponseBadRequest(_("Unknown action."))
    except PermissionDenied:
        raise
    except ValidationError as error:
        _errors(request, error)
    return redirect("applications:detail", pk=application.pk)


@login_required
def ranking_view(request, call_pk: int):
    """The call's applications by average score, with the county opinions: where city
    staff decide, and publish the notice."""
    if not request.user.has_perm(services.EVALUATE):
        raise Http404
    call = get_object_or_404(Call.objects.published(), pk=call_pk)
    notice = Notice.objects.filter(call=call).first()
    refusal = None if notice else services.notice_refusal(call=call)
    return render(request, "applications/ranking.html", {
        "call": call, "applications": selectors.ranking(user=request.user, call=call), "notice": notice,
        # Why the notice cannot go out yet: said instead of offering the button.
        "notice_refusal": " ".join(refusal.messages) if refusal else "",
    })


@login_required
@require_POST
def notice_publish_view(request, call_pk: int):
    call = get_object_or_404(Call.objects.published(), pk=call_pk)
    try:
        notice = services.notice_publish(user=request.user, call=call)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        _errors(request, error)
        return redirect("applications:ranking", call_pk=call.pk)
    messages.success(request, _("The notice is published until %(day)s.") % {"day": notice.ends_on})
    return redirect("applications:ranking", call_pk=call.pk)
