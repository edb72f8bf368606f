"""Complaints and reports about the review (投诉举报, Art. 23).

Public pages (no login, `public_complaints:`): the form, the receipt, the lookup
by receipt and phone. Office pages (`review:complaint_*`, permission
`review.view_complaint` / `review.change_complaint`, which reviewers never
hold): the list with filters, the record, taking it up, the conclusion, the
Art. 26 decision on a reviewer, the evidence files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications.files import content_disposition
from applications.views.downloads import verified_download
from publicity import receipts
from publicity.selectors import office_contact

from .. import selectors_complaints as selectors
from ..forms_complaints import (
    ComplaintCloseForm,
    ComplaintFilterForm,
    ComplaintForm,
    ComplaintLookupForm,
    ComplaintNoteForm,
    ComplaintReviewerActionForm,
)
from ..models_complaints import Complaint
from ..selectors_pool import reviewer_open_assignments
from ..services import complaints as services

RECEIPT_SESSION_KEY = "public_complaint_receipt"
NOT_FOUND = gettext_lazy("未找到与该受理编号和联系电话相符的投诉举报，请核对后重试。")


def _errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, " ".join(error.messages))
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _public(request: HttpRequest, template: str, **context) -> HttpResponse:
    response = render(request, template, {"office": office_contact(), **context})
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    cycles = list(selectors.complaint_cycles())
    cases = list(selectors.complaint_cases([c.pk for c in cycles]))
    initial = {"cycle": cycles[0].pk if cycles else None}
    if request.user.is_authenticated:
        initial.update(
            complainant_name=request.user.full_name,
            phone=request.user.phone,
            email=request.user.email,
        )
    form = ComplaintForm(
        request.POST or None, request.FILES or None, cycles=cycles, cases=cases, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            complaint = services.complaint_submit(by=request.user, **form.service_data())
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            request.session[RECEIPT_SESSION_KEY] = [complaint.receipt, complaint.anonymous]
            return redirect("public_complaints:done")
    response = _public(request, "public/complaints/form.html", form=form, cycles=cycles)
    if form.is_bound:
        response.status_code = 400
    return response


@require_GET
def complaint_done(request: HttpRequest) -> HttpResponse:
    stored = request.session.get(RECEIPT_SESSION_KEY)
    if not stored:
        return redirect("public_complaints:lookup")
    receipt, anonymous = stored
    return _public(
        request,
        "public/complaints/done.html",
        receipt=receipts.receipt_display(receipt),
        anonymous=anonymous,
    )


@require_http_methods(["GET", "POST"])
def complaint_lookup(request: HttpRequest) -> HttpResponse:
    form = ComplaintLookupForm(request.POST or None)
    complaint = None
    if request.method == "POST" and form.is_valid():
        complaint = services.complaint_lookup(
            form.cleaned_data["receipt"], form.cleaned_data["phone"]
        )
        if complaint is None:
            messages.error(request, NOT_FOUND)
        else:
            form = ComplaintLookupForm()
    return _public(
        request,
        "public/complaints/lookup.html",
        form=form,
        complaint=complaint,
        receipt=receipts.receipt_display(complaint.receipt) if complaint else "",
    )


# --- office -------------------------------------------------------------------


def _require(request: HttpRequest, permission: str = services.VIEW_PERMISSION) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied(_("只有评审办工作人员可以查看和处理投诉举报。"))


@login_required
@require_GET
def complaint_list(request: HttpRequest) -> HttpResponse:
    _require(request)
    cycles = list(selectors.complaint_cycles())
    filters = ComplaintFilterForm(request.GET or None, cycles=cycles)
    values = filters.cleaned_data if filters.is_valid() else {}
    chosen = next((c for c in cycles if c.pk == values.get("cycle")), None)
    today = timezone.localdate()
    complaints = selectors.complaints_for_office(
        request.user,
        cycle=chosen,
        status=values.get("status", ""),
        kind=values.get("kind", ""),
        overdue=values.get("overdue", False),
        q=values.get("q", ""),
        today=today,
    )
    page = Paginator(complaints, selectors.COMPLAINTS_PER_PAGE).get_page(request.GET.get("page"))
    for row in page:
        row.overdue = row.is_overdue(today)
        row.receipt_display = receipts.receipt_display(row.receipt)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "review/complaints/list.html",
        {"page": page, "filters": filters, "query": query.urlencode()},
    )


def _detail(request: HttpRequest, complaint: Complaint, *, status: int = 200, **forms):
    can_handle = request.user.has_perm(services.HANDLE_PERMISSION)
    can_act = (
        can_handle
        and complaint.status == Complaint.Status.UPHELD
        and complaint.kind == Complaint.Kind.REVIEWER
        and request.user.has_perm("review.change_reviewer")
    )
    reviewers = selectors.complaint_reviewer_choices()
    action_form = forms.get("action_form")
    if action_form is None and can_act:
        action_form = ComplaintReviewerActionForm(
            reviewers=reviewers,
            initial={
                "reviewer": complaint.reviewer_id,
                "reason": complaint.outcome_summary,
            },
        )
    return render(
        request,
        "review/complaints/detail.html",
        {
            "complaint": complaint,
            "receipt": receipts.receipt_display(complaint.receipt),
            "overdue": complaint.is_overdue(timezone.localdate()),
            "files": list(complaint.files.all()),
            "can_handle": can_handle,
            "start_form": forms.get("start_form") or ComplaintNoteForm(),
            "close_form": forms.get("close_form") or ComplaintCloseForm(),
            "action_form": action_form if can_act else None,
            "open_assignments": (
                list(reviewer_open_assignments(complaint.reviewer_id))
                if complaint.reviewer_id and complaint.reviewer_action
                else []
            ),
        },
        status=status,
    )


@login_required
@require_GET
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    return _detail(request, selectors.complaint_for_office(request.user, pk))


@login_required
@require_POST
def complaint_start(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, services.HANDLE_PERMISSION)
    complaint = selectors.complaint_for_office(request.user, pk)
    form = ComplaintNoteForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_investigation_start(
                complaint.pk, by=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("已转入调查核实。"))
            return redirect("review:complaint_detail", pk=complaint.pk)
    return _detail(request, complaint, status=400, start_form=form)


@login_required
@require_POST
def complaint_close(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, services.HANDLE_PERMISSION)
    complaint = selectors.complaint_for_office(request.user, pk)
    form = ComplaintCloseForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.complaint_close(
                complaint.pk,
                by=request.user,
                outcome=data["outcome"],
                findings=data["findings"],
                outcome_summary=data["outcome_summary"],
                evidence=[(f, f.name) for f in data["evidence"]],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("处理结论已记录，投诉人可凭受理编号查询结果。"))
            return redirect("review:complaint_detail", pk=complaint.pk)
    return _detail(request, complaint, status=400, close_form=form)


@login_required
@require_POST
def complaint_reviewer_action(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, services.HANDLE_PERMISSION)
    _require(request, "review.change_reviewer")
    complaint = selectors.complaint_for_office(request.user, pk)
    form = ComplaintReviewerActionForm(
        request.POST, reviewers=selectors.complaint_reviewer_choices()
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            open_assignments = services.complaint_reviewer_action(
                complaint.pk,
                by=request.user,
                reviewer_id=data["reviewer"].pk,
                status=data["status"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("已按第二十六条处理该评审员。"))
            if open_assignments:
                messages.warning(
                    request,
                    _("该评审员有%(n)d项未完成的评审任务，请重新分配。")
                    % {"n": len(open_assignments)},
                )
            return redirect("review:complaint_detail", pk=complaint.pk)
    return _detail(request, complaint, status=400, action_form=form)


@login_required
@require_GET
def complaint_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    _require(request)
    complaint = selectors.complaint_for_office(request.user, pk)
    stored = get_object_or_404(complaint.files, pk=file_pk)
    return verified_download(
        request,
        stored,
        content_disposition=content_disposition(stored.original_name),
        content_type=stored.mime,
        complaint=complaint.pk,
    )
