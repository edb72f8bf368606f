"""The office's pages: the publicity notice of a cycle and the objections to it;
the committee director's decision on a verified objection."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications.files import content_disposition
from applications.services import TransitionBlocked
from applications.views.downloads import verified_download
from hengyang_award.core.models import AwardCycle
from hengyang_award.core.selectors import cycles_public

from .. import receipts, selectors, services
from ..forms import (
    CommitteeDecisionForm,
    NoteForm,
    ObjectionCloseForm,
    PublicityGenerateForm,
    PublicityPublishForm,
)
from ..models import Notice, Objection

PUBLISH_PERMISSION = "applications.publish_case"
OBJECTION_PERMISSION = "applications.handle_objection_case"
DECIDE_PERMISSION = "applications.decide_case"


def _require(request: HttpRequest, *perms: str) -> None:
    if not any(request.user.has_perm(p) for p in perms):
        raise PermissionDenied(_("您没有访问此页面的权限。"))


def _cycle_choice(request: HttpRequest) -> tuple[list[AwardCycle], AwardCycle | None]:
    cycles = list(cycles_public().order_by("-number"))
    chosen = request.GET.get("cycle", "")
    cycle = next((c for c in cycles if str(c.pk) == chosen), None) or (
        cycles[0] if cycles else None
    )
    return cycles, cycle


def _messages_of(exc: Exception) -> list[str]:
    if isinstance(exc, TransitionBlocked):
        return list(exc.reasons)
    if isinstance(exc, ValidationError):
        return list(exc.messages)
    return [str(exc)]


def _notices_context(cycle: AwardCycle | None, *, publish_form=None) -> dict:
    if cycle is None:
        return {"cycle": None}
    today = timezone.localdate()
    period = services.publicity_period(cycle, today)
    draft = selectors.publicity_draft(cycle)
    return {
        "cycle": cycle,
        "candidates": list(selectors.publicity_candidates(cycle)),
        "draft": draft,
        "period": period,
        "draft_stale": draft is not None
        and (draft.period_starts_on, draft.period_ends_on, draft.issued_on)
        != (period.start, period.end, today),
        "published": list(
            Notice.objects.filter(cycle=cycle, published_at__isnull=False).order_by("-published_at")
        ),
        "generate_form": PublicityGenerateForm(initial={"number": draft.number if draft else ""}),
        "publish_form": publish_form or PublicityPublishForm(),
    }


@login_required
@require_GET
def notices(request: HttpRequest) -> HttpResponse:
    _require(request, PUBLISH_PERMISSION)
    cycles, cycle = _cycle_choice(request)
    return render(request, "publicity/notices.html", {"cycles": cycles, **_notices_context(cycle)})


@login_required
@require_POST
def notice_generate(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    _require(request, PUBLISH_PERMISSION)
    cycle = get_object_or_404(cycles_public(), pk=cycle_pk)
    form = PublicityGenerateForm(request.POST)
    if form.is_valid():
        try:
            services.publicity_notice_generate(
                cycle.pk, by=request.user, number=form.cleaned_data["number"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("公示草稿已生成，请核对后发布。"))
    return redirect(reverse("publicity:notices") + f"?cycle={cycle.pk}")


@login_required
@require_POST
def notice_publish(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, PUBLISH_PERMISSION)
    notice = get_object_or_404(
        Notice.objects.filter(kind=Notice.Kind.PUBLICITY, published_at__isnull=True), pk=pk
    )
    form = PublicityPublishForm(request.POST)
    if form.is_valid():
        try:
            notice = services.publicity_notice_publish(
                notice.pk,
                by=request.user,
                confirm_provisional=form.cleaned_data["confirm_provisional"],
            )
        except (ValidationError, TransitionBlocked) as exc:
            for message in _messages_of(exc):
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("公示已发布，公示期为%(start)s至%(end)s。")
                % {
                    "start": notice.period_starts_on.isoformat(),
                    "end": notice.period_ends_on.isoformat(),
                },
            )
            return redirect(reverse("publicity:notices") + f"?cycle={notice.cycle_id}")
    cycles = list(cycles_public().order_by("-number"))
    return render(
        request,
        "publicity/notices.html",
        {"cycles": cycles, **_notices_context(notice.cycle, publish_form=form)},
        status=400,
    )


@login_required
@require_GET
def objections(request: HttpRequest) -> HttpResponse:
    _require(request, OBJECTION_PERMISSION, DECIDE_PERMISSION)
    cycles, cycle = _cycle_choice(request)
    rows = list(selectors.objections_for_office(cycle)) if cycle else []
    today = timezone.localdate()
    for row in rows:
        row.overdue = (
            row.status
            in (
                Objection.Status.RECEIVED,
                Objection.Status.INVESTIGATING,
            )
            and today > row.due_on
        )
        row.receipt_display = receipts.receipt_display(row.receipt)
    return render(
        request,
        "publicity/objections.html",
        {
            "cycles": cycles,
            "cycle": cycle,
            "rows": rows,
            "personal": request.user.has_perm(OBJECTION_PERMISSION),
        },
    )


def _objection_context(request: HttpRequest, objection: Objection, **forms) -> dict:
    office = request.user.has_perm(OBJECTION_PERMISSION)
    director = request.user.has_perm(DECIDE_PERMISSION)
    return {
        "objection": objection,
        "receipt": receipts.receipt_display(objection.receipt),
        "personal": office,
        "office": office,
        "director": director,
        "overdue": objection.is_open
        and objection.status != Objection.Status.VERIFIED
        and timezone.localdate() > objection.due_on,
        "start_form": forms.get("start_form") or NoteForm(),
        "close_form": forms.get("close_form") or ObjectionCloseForm(),
        "files": list(objection.files.all()),
    }


@login_required
@require_GET
def objection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, OBJECTION_PERMISSION, DECIDE_PERMISSION)
    objection = selectors.objection_for_office(pk)
    return render(
        request, "publicity/objection_detail.html", _objection_context(request, objection)
    )


@login_required
@require_POST
def objection_start(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, OBJECTION_PERMISSION)
    objection = selectors.objection_for_office(pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.objection_investigation_start(
                objection.pk, by=request.user, note=form.cleaned_data["note"]
            )
        except (ValidationError, TransitionBlocked) as exc:
            for message in _messages_of(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("异议已转入核查，该组织进入异议核查状态。"))
            return redirect("publicity:objection_detail", pk=objection.pk)
    return render(
        request,
        "publicity/objection_detail.html",
        _objection_context(request, objection, start_form=form),
        status=400,
    )


@login_required
@require_POST
def objection_close(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, OBJECTION_PERMISSION)
    objection = selectors.objection_for_office(pk)
    form = ObjectionCloseForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.objection_close(
                objection.pk,
                by=request.user,
                outcome=data["outcome"],
                findings=data["findings"],
                evidence=[(f, f.name) for f in data["evidence"]],
            )
        except (ValidationError, TransitionBlocked) as exc:
            for message in _messages_of(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("核查结论已记录。"))
            return redirect("publicity:objection_detail", pk=objection.pk)
    return render(
        request,
        "publicity/objection_detail.html",
        _objection_context(request, objection, close_form=form),
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def objection_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The committee director records the committee's decision on a verified objection."""
    _require(request, DECIDE_PERMISSION)
    objection = selectors.objection_for_office(pk)
    form = CommitteeDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.objection_committee_decide(
                objection.pk, by=request.user, decision=form.cleaned_data["decision"]
            )
        except (ValidationError, TransitionBlocked) as exc:
            for message in _messages_of(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("评委会决定已记录，该组织的获奖资格已取消。"))
            return redirect("publicity:objection_detail", pk=objection.pk)
    return render(
        request,
        "publicity/objection_decide.html",
        {
            "objection": objection,
            "receipt": receipts.receipt_display(objection.receipt),
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_GET
def objection_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    _require(request, OBJECTION_PERMISSION, DECIDE_PERMISSION)
    objection = selectors.objection_for_office(pk)
    stored = get_object_or_404(objection.files, pk=file_pk)
    return verified_download(
        request,
        stored,
        content_disposition=content_disposition(stored.original_name),
        content_type=stored.mime,
        objection=objection.pk,
    )
