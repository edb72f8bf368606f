"""Input of the publicity pages: shape and formats only; the rules (anonymous,
period, outcome) live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Objection

# A form-level bound on the number of files in one submission (the size limits
# are the cycle's).
MAX_EVIDENCE_FILES = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(items) > MAX_EVIDENCE_FILES:
            raise forms.ValidationError(_("一次最多上传%(n)d个文件。") % {"n": MAX_EVIDENCE_FILES})
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class ObjectionForm(forms.Form):
    case = forms.TypedChoiceField(label=_("异议对象（拟授奖组织）"), coerce=int)
    objector_name = forms.CharField(
        label=_("异议人真实姓名"),
        max_length=60,
        required=False,
        help_text=_("匿名异议不予受理。"),
    )
    objector_id_number = forms.CharField(
        label=_("身份证号码"),
        max_length=18,
        required=False,
        help_text=_("身份证号码与所在单位至少填写一项；仅评审办核查时使用，不会公开。"),
    )
    objector_organisation = forms.CharField(
        label=_("所在单位（以单位名义提出时填写单位名称）"), max_length=120, required=False
    )
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=30,
        required=False,
        help_text=_("查询处理结果时需要输入此电话号码。"),
    )
    email = forms.EmailField(label=_("电子邮箱（选填，用于告知处理结果）"), required=False)
    facts = forms.CharField(
        label=_("异议事实和理由"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=10000,
    )
    evidence = MultipleFileField(
        label=_("证据材料（选填，PDF、JPEG 或 PNG）"),
    )
    pledge = forms.BooleanField(
        label=_("本人承诺所填信息真实，愿意配合评审办核查。"),
        error_messages={"required": _("请勾选承诺后再提交。")},
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].choices = [("", _("请选择"))] + [
            (case.pk, f"{case.organisation.name}（{case.organisation.county.name}）")
            for case, _notice in candidates
        ]


class ObjectionLookupForm(forms.Form):
    receipt = forms.CharField(label=_("受理编号"), max_length=30)
    phone = forms.CharField(label=_("提交异议时填写的联系电话"), max_length=30)


class PublicityGenerateForm(forms.Form):
    number = forms.CharField(label=_("文号（选填）"), max_length=60, required=False)


class PublicityPublishForm(forms.Form):
    confirm_provisional = forms.BooleanField(
        label=_("我已核对：公示期跨入节假日安排尚未公布的年度，确认按上述日期发布。"),
        required=False,
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


class ObjectionCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("核查结论"),
        choices=[
            (Objection.Status.UNFOUNDED, _("异议不成立")),
            (Objection.Status.VERIFIED, _("异议查实，提交评委会决定")),
        ],
        widget=forms.RadioSelect,
    )
    findings = forms.CharField(
        label=_("核查情况和结论"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000
    )
    evidence = MultipleFileField(label=_("核查材料（选填）"))


class CommitteeDecisionForm(forms.Form):
    decision = forms.CharField(
        label=_("评委会决定"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_("写明评委会审议的时间、结果和理由；该组织将被取消获奖资格。"),
    )
