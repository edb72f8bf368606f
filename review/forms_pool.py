"""Input of the reviewer pool's pages. The rules (credit code, duplicates, final
disqualification) are the services'; these check the shape of the input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Reviewer
from .services.pool import REVIEWER_FIELDS

IMPORT_MAX_BYTES = 5 * 1024 * 1024


class ReviewerForm(forms.ModelForm):
    """A reviewer's profile; `username` opens a login for a reviewer who has none."""

    username = forms.CharField(
        label=_("登录账号名"),
        required=False,
        max_length=150,
        help_text=_(
            "填写后为该评审员开通登录账号。账号初始没有密码，由评审员通过“找回密码”自行设置。"
        ),
    )

    class Meta:
        model = Reviewer
        fields = REVIEWER_FIELDS
        widgets = {
            "specialties": forms.Textarea(attrs={"rows": 2}),
            "qualifications": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.user_id:
            del self.fields["username"]

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k in self.fields}


class ReviewerStatusForm(forms.Form):
    """Suspend, reinstate or disqualify: a reason is required, evidence is
    described (documents are kept on file by the office)."""

    status = forms.ChoiceField(label=_("新状态"))
    reason = forms.CharField(
        label=_("理由"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写状态变更理由。")},
    )
    evidence = forms.CharField(
        label=_("证据"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如调查记录、举报材料、情况说明的名称和文号。"),
    )

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (value, label) for value, label in Reviewer.Status.choices if value != current
        ]


class ReviewerImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"),
        error_messages={"required": _("请选择要导入的 Excel 文件。")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的 Excel 文件。"))
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("文件不能超过 5 MB。"))
        return upload
