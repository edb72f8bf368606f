"""The office's pages of the ban register (Art. 19)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications.models import Case

from . import selectors, services
from .forms import BanLiftForm, BanRecordForm


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied(_("只有评审办工作人员可以查看和登记禁止申报。"))


@login_required
@require_GET
def ban_list(request: HttpRequest) -> HttpResponse:
    _require(request, "supervision.view_ban")
    show = "all" if request.GET.get("show") == "all" else "in_force"
    today = timezone.localdate()
    bans = selectors.bans_for_register(in_force_on=None if show == "all" else today)
    page = Paginator(bans, 50).get_page(request.GET.get("page"))
    return render(request, "supervision/ban_list.html", {"page": page, "show": show})


@login_required
@require_http_methods(["GET", "POST"])
def ban_record(request: HttpRequest) -> HttpResponse:
    _require(request, "supervision.add_ban")
    initial = {}
    if request.method == "GET" and request.GET.get("case", "").isdigit():
        case = Case.objects.select_related("organisation").filter(pk=request.GET["case"]).first()
        if case is not None:
            initial = {"case": case, "credit_code": case.organisation.credit_code}
    form = BanRecordForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ban = services.ban_record(
                by=request.user,
                organisation=data["organisation"],
                reason=data["reason"],
                legal_basis=data["legal_basis"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                case=data["case"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已登记禁止申报。"))
            return redirect("supervision:ban_detail", pk=ban.pk)
    return render(request, "supervision/ban_form.html", {"form": form})


def _detail(request: HttpRequest, pk: int, *, form: BanLiftForm | None = None) -> HttpResponse:
    ban = selectors.ban_for_register(pk)
    return render(
        request,
        "supervision/ban_detail.html",
        {
            "ban": ban,
            "lift_form": form or BanLiftForm(),
            "can_lift": ban.lifted_at is None and request.user.has_perm("supervision.change_ban"),
        },
    )


@login_required
@require_GET
def ban_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "supervision.view_ban")
    return _detail(request, pk)


@login_required
@require_POST
def ban_lift(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "supervision.change_ban")
    ban = selectors.ban_for_register(pk)
    form = BanLiftForm(request.POST)
    if form.is_valid():
        try:
            services.ban_lift(ban.pk, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已解除禁止申报。"))
            return redirect("supervision:ban_detail", pk=ban.pk)
    return _detail(request, pk, form=form)
