"""Input of the ban register's pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.models import Case
from hengyang_award.core import credit_code
from hengyang_award.core.forms import DateInput
from hengyang_award.core.models import Organisation

from .models import Ban


class BanRecordForm(forms.Form):
    """The organisation is named by its credit code, as in the finding that
    leads to the ban. The service checks the dates and the case."""

    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=40)
    legal_basis = forms.ChoiceField(label=_("依据"), choices=Ban.Basis.choices)
    reason = forms.CharField(
        label=_("事由"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    case = forms.ModelChoiceField(
        label=_("关联案卷"),
        required=False,
        queryset=Case.objects.select_related("organisation", "cycle").order_by(
            "-cycle__number", "organisation__name"
        ),
        help_text=_("依据第十九条并关联案卷时，截止日可留空，按该届禁止申报年限自动计算。"),
    )
    starts_on = forms.DateField(label=_("禁止申报起始日"), widget=DateInput())
    ends_on = forms.DateField(label=_("禁止申报截止日"), required=False, widget=DateInput())

    def clean_credit_code(self) -> str:
        return credit_code.normalise(self.cleaned_data["credit_code"])

    def clean(self) -> dict:
        cleaned = super().clean()
        code = cleaned.get("credit_code")
        if code:
            cleaned["organisation"] = Organisation.objects.filter(credit_code=code).first()
            if cleaned["organisation"] is None:
                self.add_error("credit_code", _("未找到该统一社会信用代码对应的申报组织。"))
        return cleaned


class BanLiftForm(forms.Form):
    reason = forms.CharField(
        label=_("解除理由"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写解除理由。")},
    )


class AnnouncementForm(forms.Form):
    number = forms.CharField(
        label=_("文号"),
        max_length=60,
        help_text=_("例如“衡政发〔2026〕12号”。文号不能与已发布的公告重复。"),
        error_messages={"required": _("请填写公告文号。")},
    )
    issued_on = forms.DateField(
        label=_("公告日期"),
        required=False,
        widget=DateInput(),
        help_text=_("留空为今天。称号有效期自公告日期起计算。"),
    )


class PlaqueForm(forms.Form):
    issued_on = forms.DateField(
        label=_("颁发日期"), widget=DateInput(), error_messages={"required": _("请填写颁发日期。")}
    )
    received_by = forms.CharField(
        label=_("领取人"), max_length=60, error_messages={"required": _("请填写领取人。")}
    )
    note = forms.CharField(
        label=_("备注"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CertificateVerifyForm(forms.Form):
    number = forms.CharField(
        label=_("证书编号"),
        max_length=40,
        error_messages={"required": _("请输入证书编号。")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
