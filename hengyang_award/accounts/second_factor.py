"""AU-2: the TOTP second factor (django-otp). Staff roles enrol an authenticator
app once and confirm a code after each login where settings require it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from hengyang_award.core.models import User
from hengyang_award.core.services import audit_log_write


def _wrong_code() -> ValidationError:
    return ValidationError({"token": _("验证码不正确或已过期，请重新输入身份验证器上的6位数字。")})


DEVICE_NAME = "authenticator"


def totp_device_pending(user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled (created on first use)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_enrol_confirm(request: HttpRequest, *, token: str) -> TOTPDevice:
    user = request.user
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(token.strip()):
        audit_log_write("auth.otp_enrol_failed", actor=user, obj=user)
        raise _wrong_code()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    otp_login(request, device)
    audit_log_write("auth.otp_enrolled", actor=user, obj=user)
    return device


def totp_verify(request: HttpRequest, *, token: str) -> TOTPDevice:
    user = request.user
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token.strip()):
            otp_login(request, device)
            audit_log_write("auth.otp_verified", actor=user, obj=user)
            return device
    audit_log_write("auth.otp_failed", actor=user, obj=user)
    raise _wrong_code()
