"""The office's pages of the announcement, awards, certificates and plaques, and
the winner's page of its own awards."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications import files
from applications.views.downloads import verified_download
from hengyang_award.core.models import AwardCycle
from hengyang_award.core.selectors import cycles_public

from . import selectors, services
from .forms import AnnouncementForm, PlaqueForm
from .models import Announcement


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied(_("只有评审办工作人员可以办理获奖公告、证书和奖牌。"))


def _chosen_cycle(request: HttpRequest) -> tuple[list[AwardCycle], AwardCycle | None]:
    cycles = list(cycles_public().order_by("-number"))
    chosen = request.GET.get("cycle", "")
    cycle = next((c for c in cycles if str(c.pk) == chosen), None) or (
        cycles[0] if cycles else None
    )
    return cycles, cycle


def _announcement_page(
    request: HttpRequest, cycles, cycle: AwardCycle | None, form: AnnouncementForm
) -> HttpResponse:
    return render(
        request,
        "supervision/announcement.html",
        {
            "cycles": cycles,
            "cycle": cycle,
            "ready": services.announcement_readiness(cycle) if cycle else None,
            "announcements": (
                Announcement.objects.filter(cycle=cycle).select_related("notice") if cycle else []
            ),
            "form": form,
        },
    )


@login_required
@require_GET
def announcement(request: HttpRequest) -> HttpResponse:
    _require(request, "supervision.view_announcement")
    cycles, cycle = _chosen_cycle(request)
    return _announcement_page(request, cycles, cycle, AnnouncementForm())


@login_required
@require_POST
def announcement_issue(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    _require(request, "supervision.issue_announcement")
    cycle = get_object_or_404(cycles_public(), pk=cycle_pk)
    form = AnnouncementForm(request.POST)
    if form.is_valid():
        try:
            issued = services.announcement_issue(
                cycle.pk,
                number=form.cleaned_data["number"],
                issued_on=form.cleaned_data["issued_on"],
                by=request.user,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.error_dict.items():
                    for error in errors:
                        form.add_error(name if name in form.fields else None, error)
            else:
                for message in exc.messages:
                    form.add_error(None, message)
        else:
            if issued.awards.exists():
                messages.success(
                    request,
                    _("公告%(number)s已发布，已为%(n)s个获奖组织生成获奖记录，证书正在生成。")
                    % {"number": issued.number, "n": issued.awards.count()},
                )
            else:
                messages.success(
                    request, _("公告%(number)s已发布：本届空缺。") % {"number": issued.number}
                )
            return redirect(reverse("supervision:awards") + f"?cycle={cycle.pk}")
    cycles = list(cycles_public().order_by("-number"))
    return _announcement_page(request, cycles, cycle, form)


@login_required
@require_GET
def award_list(request: HttpRequest) -> HttpResponse:
    _require(request, selectors.OFFICE_AWARD_PERMISSION)
    cycles, cycle = _chosen_cycle(request)
    awards = list(selectors.awards_for_office(cycle_id=cycle.pk)) if cycle else []
    return render(
        request,
        "supervision/award_list.html",
        {
            "cycles": cycles,
            "cycle": cycle,
            "awards": awards,
            "prize_total": sum((a.prize_amount for a in awards), start=0),
            "announcements": (
                Announcement.objects.filter(cycle=cycle).annotate(award_count=Count("awards"))
                if cycle
                else []
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plaque_record(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "supervision.add_plaque")
    award = selectors.award_for_user(request.user, pk)
    plaque = getattr(award, "plaque", None)
    initial = (
        {"issued_on": plaque.issued_on, "received_by": plaque.received_by, "note": plaque.note}
        if plaque
        else {}
    )
    form = PlaqueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plaque_record(award.pk, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for name, errors in exc.error_dict.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        else:
            messages.success(request, _("已登记奖牌发放。"))
            return redirect(reverse("supervision:awards") + f"?cycle={award.cycle_id}")
    return render(request, "supervision/plaque_form.html", {"award": award, "form": form})


@login_required
@require_GET
def certificate_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The office and the winner's own users download the certificate; anyone
    else gets 404. The file is served only if its checksum still matches."""
    award = selectors.award_for_user(request.user, pk)
    certificate = getattr(award, "certificate", None)
    if certificate is None or not certificate.is_rendered:
        raise Http404(_("证书尚未生成。"))
    return verified_download(
        request,
        certificate,
        content_disposition=files.content_disposition(certificate.download_name),
        content_type="application/pdf",
        award=award.pk,
        certificate=certificate.number,
    )


@login_required
@require_GET
def award_mine(request: HttpRequest) -> HttpResponse:
    """The winner's page: its awards, their validity and the certificates."""
    awards = list(selectors.awards_of_user(request.user))
    return render(request, "supervision/award_mine.html", {"awards": awards})
