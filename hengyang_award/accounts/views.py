from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hengyang_award.core.models import Organisation
from hengyang_award.core.services import audit_log_write

from . import selectors, services
from .forms import (
    InvitationAcceptForm,
    InvitationForm,
    PasswordResetRequestForm,
    RegistrationForm,
    VerificationResendForm,
)
from .tokens import VERIFICATION_MAX_AGE, LinkRefusedError

# Status of a page that refuses a link: gone for a link that once worked.
LINK_REFUSED_STATUS = {"invalid": 404, "expired": 410, "used": 410, "revoked": 410}


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_submit(
                **form.account_values(),
                password=form.cleaned_data["password1"],
                organisation=form.organisation_values(),
                ip=_ip(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("accounts:register_done")
    return render(request, "accounts/register.html", {"form": form})


@require_GET
def register_done(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/register_done.html",
        {"days": VERIFICATION_MAX_AGE.days, "resend_form": VerificationResendForm()},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what the link is for; only the POST activates, so that mail
    scanners that follow links change nothing."""
    try:
        if request.method == "POST":
            services.email_verification_confirm(token, ip=_ip(request))
        else:
            verification = selectors.email_verification_for_token(token)
    except LinkRefusedError as refused:
        if refused.code == "verified":
            messages.info(request, refused.reason)
            return redirect("login")
        return render(
            request,
            "accounts/verify_refused.html",
            {"reason": refused.reason, "resend_form": VerificationResendForm()},
            status=LINK_REFUSED_STATUS[refused.code],
        )
    if request.method == "POST":
        messages.success(request, _("邮箱验证成功，账户已启用。请登录。"))
        return redirect("login")
    return render(request, "accounts/verify.html", {"verification": verification})


@never_cache
@require_http_methods(["GET", "POST"])
def verification_resend(request: HttpRequest) -> HttpResponse:
    form = VerificationResendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.email_verification_resend(email=form.cleaned_data["email"])
        # The same words whether or not the address is known: no account enumeration.
        messages.info(
            request,
            _("如果该邮箱对应尚未验证的账户，我们已重新发送验证邮件，请查收。"),
        )
        return redirect("accounts:verification_resend")
    return render(request, "accounts/verification_resend.html", {"form": form})


@login_required
@require_GET
def members(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(selectors.organisations_of_member(request.user), pk=pk)
    return _members_page(request, organisation, InvitationForm())


@login_required
@require_POST
def invitation_create(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(selectors.organisations_of_member(request.user), pk=pk)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                organisation.pk, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("已向%(email)s发送邀请。") % {"email": invitation.email},
            )
            return redirect("accounts:members", pk=organisation.pk)
    return _members_page(request, organisation, form)


def _members_page(
    request: HttpRequest, organisation: Organisation, form: InvitationForm
) -> HttpResponse:
    return render(
        request,
        "accounts/members.html",
        {
            "organisation": organisation,
            "members": selectors.organisation_members(organisation),
            "invitations": selectors.invitations_pending(organisation),
            "form": form,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    if request.user.is_authenticated:
        messages.info(request, _("您已登录。如需接受邀请，请先退出当前账户。"))
        return redirect("core:home")
    try:
        invitation = selectors.invitation_for_token(token)
    except LinkRefusedError as refused:
        return _invitation_refused(request, refused)
    form = InvitationAcceptForm(
        request.POST or None,
        invitation_email=invitation.email,
        initial={"full_name": invitation.full_name},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(
                token,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                full_name=form.cleaned_data["full_name"],
                phone=form.cleaned_data["phone"],
                ip=_ip(request),
            )
        except LinkRefusedError as refused:
            return _invitation_refused(request, refused)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("账户已创建，您已成为%(organisation)s的成员。请登录。")
                % {"organisation": invitation.organisation.name},
            )
            return redirect("login")
    return render(
        request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form}
    )


def _invitation_refused(request: HttpRequest, refused: LinkRefusedError) -> HttpResponse:
    return render(
        request,
        "accounts/invitation_refused.html",
        {"reason": refused.reason},
        status=LINK_REFUSED_STATUS[refused.code],
    )


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link; the same answer whether or not the address exists."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_reset_request(email=form.cleaned_data["email"])
        return render(request, "accounts/password_reset_sent.html")
    return render(request, "accounts/password_reset.html", {"form": form})


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("login")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_log_write("account.password_reset", actor=form.user, obj=form.user)
        messages.success(self.request, _("新密码已设置，请登录。"))
        return response


def _safe_next(request: HttpRequest) -> str:
    """AC-5: only a local path is followed after the second factor."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse_lazy("core:home")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code (or type the key), confirm a code."""
    from base64 import b32encode

    from hengyang_award.pdf import qr_svg_data_uri

    from .forms import TotpTokenForm
    from .second_factor import totp_device_pending, totp_enrol_confirm

    device = totp_device_pending(request.user)
    form = TotpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            totp_enrol_confirm(request, token=form.cleaned_data["token"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("身份验证器已绑定，之后登录时需要输入验证码。"))
            return redirect(_safe_next(request))
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr": qr_svg_data_uri(device.config_url),
            "secret": b32encode(device.bin_key).decode(),
            "next": request.GET.get("next", ""),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    from .forms import TotpTokenForm
    from .second_factor import totp_verify

    form = TotpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            totp_verify(request, token=form.cleaned_data["token"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect(_safe_next(request))
    return render(
        request, "accounts/otp_verify.html", {"form": form, "next": request.GET.get("next", "")}
    )
