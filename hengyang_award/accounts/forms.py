from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hengyang_award.core import credit_code
from hengyang_award.core.forms import DateInput
from hengyang_award.core.models import County, Organisation, User

from .selectors import username_available

ACCOUNT_FIELDS = ("username", "full_name", "email", "phone", "password1", "password2")
ORGANISATION_FIELDS = (
    "name",
    "credit_code",
    "registration_date",
    "legal_representative",
    "address",
    "county",
    "industry",
    "size",
    "contact_name",
    "contact_phone",
    "contact_email",
)


def _organisation_field(name: str, **kwargs) -> forms.Field:
    return Organisation._meta.get_field(name).formfield(**kwargs)


class AccountFieldsMixin(forms.Form):
    """The fields a person chooses for their own account, and their checks."""

    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("登录时使用；可用字母、数字和 @ . + - _ 符号，最多150个字符。"),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    full_name = forms.CharField(label=_("姓名"), max_length=60)
    phone = forms.CharField(
        label=_("手机号码"), max_length=30, widget=forms.TextInput(attrs={"autocomplete": "tel"})
    )
    password1 = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("确认密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        min_length = max(
            (
                v.min_length
                for v in password_validation.get_default_password_validators()
                if isinstance(v, password_validation.MinimumLengthValidator)
            ),
            default=1,
        )
        self.fields["password1"].help_text = _(
            "至少%(n)d个字符；不能过于常见，不能全是数字，不能与用户名或邮箱相近。"
        ) % {"n": min_length}

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if not username_available(username):
            raise ValidationError(_("该用户名已被使用，请换一个。"))
        return username

    def account_email(self) -> str:
        return self.cleaned_data.get("email", "")

    def clean(self) -> dict:
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif password1:
            candidate = User(
                username=cleaned.get("username", ""),
                full_name=cleaned.get("full_name", ""),
                email=self.account_email(),
            )
            try:
                password_validation.validate_password(password1, user=candidate)
            except ValidationError as exc:
                self.add_error("password1", [_password_error_worded(e) for e in exc.error_list])
        return cleaned


def _password_error_worded(error: ValidationError) -> ValidationError:
    # Django's Chinese catalogue has no translation of the length message (it is
    # a plural form), so the public would read English.
    if error.code == "password_too_short":
        return ValidationError(
            _("密码太短，至少需要%(min_length)d个字符。"), code=error.code, params=error.params
        )
    return error


class RegistrationForm(AccountFieldsMixin):
    email = forms.EmailField(
        label=_("电子邮箱"),
        max_length=254,
        help_text=_("用于验证账户和接收通知。"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    name = _organisation_field("name")
    # Wider than the stored 18 characters: people paste codes with spaces.
    credit_code = forms.CharField(
        label=Organisation._meta.get_field("credit_code").verbose_name,
        max_length=40,
        help_text=_("18位，见营业执照。"),
    )
    registration_date = _organisation_field("registration_date", widget=DateInput())
    legal_representative = _organisation_field("legal_representative")
    address = _organisation_field("address")
    county = _organisation_field("county", queryset=County.objects.filter(active=True))
    industry = _organisation_field("industry")
    size = _organisation_field("size")
    contact_name = _organisation_field("contact_name")
    contact_phone = _organisation_field("contact_phone")
    contact_email = _organisation_field("contact_email")

    field_order = (*ACCOUNT_FIELDS, *ORGANISATION_FIELDS)

    def clean_credit_code(self) -> str:
        result = credit_code.check(self.cleaned_data["credit_code"])
        if result.error:
            raise ValidationError(result.error)
        return result.code

    def clean_registration_date(self):
        day = self.cleaned_data["registration_date"]
        if day > timezone.localdate():
            raise ValidationError(_("注册日期不能晚于今天。"))
        return day

    @property
    def account_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ACCOUNT_FIELDS]

    @property
    def organisation_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ORGANISATION_FIELDS]

    def account_values(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("username", "full_name", "email", "phone")}

    def organisation_values(self) -> dict:
        return {k: self.cleaned_data[k] for k in ORGANISATION_FIELDS}


class InvitationAcceptForm(AccountFieldsMixin):
    """The invitee's own account; the address is the one the invitation went to."""

    field_order = ("username", "full_name", "phone", "password1", "password2")

    def __init__(self, *args, invitation_email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._invitation_email = invitation_email

    def account_email(self) -> str:
        return self._invitation_email


class InvitationForm(forms.Form):
    full_name = forms.CharField(label=_("同事姓名"), max_length=60)
    email = forms.EmailField(label=_("同事的电子邮箱"), max_length=254)


class VerificationResendForm(forms.Form):
    email = forms.EmailField(
        label=_("注册时填写的电子邮箱"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(label=_("注册时使用的电子邮箱"))


class TotpTokenForm(forms.Form):
    token = forms.CharField(
        label=_("验证码"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"required": _("请输入身份验证器上的6位数字。")},
    )
