"""The application file, section by section, its evidence files, and the county's
recommendation form."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hengyang_award.core.models import ScoringItem
from hengyang_award.core.services import audit_log_write

from .. import files, selectors, services
from ..completeness import SECTIONS, application_missing
from ..forms import (
    AssessmentSectionForm,
    AttachmentUploadForm,
    BasicSectionForm,
    DeclarationsSectionForm,
    FiguresSectionForm,
    PledgeForm,
    RecommendationForm,
    SystemsSectionForm,
)
from ..models import ApplicationForm, Attachment, Case
from ..services import application as app_services
from ..workflow import CaseState
from .downloads import verified_download

SECTION_LABELS = dict(SECTIONS)


def _years(case: Case) -> tuple[int, int, int]:
    """The three full years before the application year."""
    year = case.cycle.year
    return (year - 3, year - 2, year - 1)


def _section_form(case: Case, section: str, stored: ApplicationForm, data=None):
    if section == "basic":
        initial = {"employees": stored.employees, "main_products": stored.main_products}
        return BasicSectionForm(data, initial=initial)
    if section == "figures":
        initial = FiguresSectionForm.initial_from(stored)
        return FiguresSectionForm(data, years=_years(case), initial=initial)
    if section == "systems":
        return SystemsSectionForm(data, initial=SystemsSectionForm.initial_from(stored))
    if section == "declarations":
        initial = {f: getattr(stored, f) for f in app_services.SECTION_FIELDS["declarations"]}
        return DeclarationsSectionForm(data, initial=initial)
    if section == "assessment":
        return AssessmentSectionForm(
            data,
            cycle=case.cycle,
            items=list(ScoringItem.objects.all()),
            initial=AssessmentSectionForm.initial_from(stored),
        )
    if section == "pledge":
        return PledgeForm(
            data,
            legal_representative=case.organisation.legal_representative,
            initial={"signer": stored.pledge_signer, "agree": bool(stored.pledge_agreed_at)},
        )
    return None


def _saved_at(stored: ApplicationForm, section: str) -> datetime.datetime | None:
    value = stored.saved_sections.get(section)
    return datetime.datetime.fromisoformat(value) if value else None


def _section_done(section: str, stored: ApplicationForm, missing: list) -> bool:
    """Saved at least once and nothing of it is missing."""
    if section != "attachments" and section not in stored.saved_sections:
        return False
    return not any(m.section == section for m in missing)


def _item_rows(form) -> list[tuple]:
    return [
        (
            item,
            form[f"item_{item.code.replace('.', '_')}_text"],
            form[f"item_{item.code.replace('.', '_')}_percent"],
        )
        for item in form.items
    ]


def _context(request, case: Case, section: str, *, form=None, upload_form=None) -> dict:
    stored = ApplicationForm.objects.filter(case=case).first() or ApplicationForm(case=case)
    editable = case.state in app_services.EDITABLE_STATES and request.user.has_perm(
        "applications.change_case", case
    )
    form = form or _section_form(case, section, stored)
    if form is not None and not editable:
        for field in form.fields.values():
            field.disabled = True
    missing = application_missing(case)
    returned_note = None
    if case.state == CaseState.RETURNED:
        last = case.events.filter(target=CaseState.RETURNED).order_by("-at", "-pk").first()
        returned_note = last.note if last else None
    return {
        "case": case,
        "section": section,
        "section_label": SECTION_LABELS[section],
        "sections": [(key, label, _section_done(key, stored, missing)) for key, label in SECTIONS],
        "saved_at": _saved_at(stored, section),
        "form": form,
        "editable": editable,
        "missing": missing,
        "returned_note": returned_note,
        "attachments": selectors.attachments_visible_to(request.user, case)
        .filter(removed_at=None)
        .exclude(kind=Attachment.Kind.RECOMMENDATION_SCAN)
        .select_related("uploaded_by"),
        "upload_form": upload_form or (AttachmentUploadForm() if editable else None),
        "org": case.organisation,
        "item_rows": _item_rows(form) if section == "assessment" else [],
        "pledge_scan": case.attachments.filter(
            removed_at=None, kind=Attachment.Kind.INTEGRITY_PLEDGE
        ).exists(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def application_section(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    if section not in SECTION_LABELS:
        raise Http404
    case, first = selectors.case_file_for(request.user, pk, ip=request.META.get("REMOTE_ADDR"))
    if first:
        return redirect(first)
    if request.method == "GET":
        return render(
            request, "applications/application_section.html", _context(request, case, section)
        )
    # Right and state first (AC-1: a wrong role gets 403 whatever it posts).
    if not request.user.has_perm("applications.change_case", case):
        raise PermissionDenied
    if case.state not in app_services.EDITABLE_STATES:
        raise PermissionDenied(
            _("申报材料已提交，当前状态为“%(state)s”，不能修改。")
            % {"state": case.get_state_display()}
        )
    stored = ApplicationForm.objects.filter(case=case).first() or ApplicationForm(case=case)
    form = _section_form(case, section, stored, data=request.POST)
    if form is None:
        raise Http404
    if form.is_valid():
        try:
            if section == "pledge":
                app_services.application_pledge_sign(
                    case.pk, by=request.user, signer=form.cleaned_data["signer"]
                )
            else:
                data = form.section_data() if hasattr(form, "section_data") else form.cleaned_data
                app_services.application_section_save(case.pk, section, by=request.user, data=data)
        except services.TransitionBlocked as exc:
            for reason in exc.reasons:
                form.add_error(None, reason)
        else:
            messages.success(
                request, _("已保存：%(section)s。") % {"section": SECTION_LABELS[section]}
            )
            return redirect("applications:application_section", pk=case.pk, section=section)
    return render(
        request,
        "applications/application_section.html",
        _context(request, case, section, form=form),
    )


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for_user(request.user, pk)
    form = AttachmentUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            app_services.attachment_upload(
                case.pk,
                by=request.user,
                kind=form.cleaned_data["kind"],
                upload=upload,
                name=upload.name,
                confidentiality=form.cleaned_data["confidentiality"],
                description=form.cleaned_data["description"],
            )
        except files.FileRejected as exc:
            form.add_error("file", exc.message)
        except services.TransitionBlocked as exc:
            for reason in exc.reasons:
                form.add_error(None, reason)
        else:
            messages.success(request, _("已上传：%(name)s。") % {"name": upload.name})
            return redirect("applications:application_section", pk=case.pk, section="attachments")
    return render(
        request,
        "applications/application_section.html",
        _context(request, case, "attachments", upload_form=form),
        status=400,
    )


@login_required
@require_POST
def attachment_remove(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    case = selectors.case_for_user(request.user, pk)
    get_object_or_404(Attachment, pk=attachment_pk, case=case, removed_at=None)
    try:
        app_services.attachment_remove(case.pk, attachment_pk, by=request.user)
    except services.TransitionBlocked as exc:
        raise PermissionDenied(" ".join(exc.reasons)) from exc
    messages.success(request, _("已删除该文件。"))
    return redirect("applications:application_section", pk=case.pk, section="attachments")


@login_required
@require_http_methods(["GET"])
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """Authorised per object, audited (denials too), checksum verified."""
    ip = request.META.get("REMOTE_ADDR")
    try:
        case, first = selectors.case_file_for(request.user, pk, ip=ip)
        if first:
            return redirect(first)
        attachment = get_object_or_404(
            selectors.attachments_visible_to(request.user, case), pk=attachment_pk
        )
    except Http404:
        audit_log_write(
            "file.download_denied", actor=request.user, ip=ip, case=pk, attachment=attachment_pk
        )
        raise
    return verified_download(
        request,
        attachment,
        content_disposition=files.content_disposition(attachment.original_name),
        content_type=attachment.mime,
        confidentiality=attachment.confidentiality,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_recommend(request: HttpRequest, pk: int) -> HttpResponse:
    """The county signs its recommendation: opinion text and stamped scan."""
    case = selectors.case_for_user(request.user, pk)
    if not request.user.has_perm("applications.recommend_case", case):
        raise PermissionDenied
    form = RecommendationForm(
        request.POST or None, request.FILES or None, initial={"expected_state": case.state}
    )
    if request.method == "POST" and form.is_valid():
        scan = form.cleaned_data["scan"]
        try:
            services.county_recommend(
                case.pk,
                by=request.user,
                opinion=form.cleaned_data["opinion"],
                scan=scan,
                scan_name=scan.name,
                expected_state=form.cleaned_data["expected_state"],
            )
        except services.AlreadyHandled as exc:
            raise PermissionDenied(str(exc)) from exc
        except files.FileRejected as exc:
            form.add_error("scan", exc.message)
        except (services.TransitionBlocked, ValidationError) as exc:
            for message in getattr(exc, "reasons", None) or exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("已推荐，申报材料已报送评审办。"))
            return redirect("applications:case_detail", pk=case.pk)
    return render(
        request,
        "applications/case_recommend.html",
        {"case": case, "form": form, "snapshot": case.snapshots.order_by("-round").first()},
        status=400 if request.method == "POST" else 200,
    )


def section_url(case: Case, section: str) -> str:
    return reverse("applications:application_section", args=[case.pk, section])
