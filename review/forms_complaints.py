"""Input of the complaint pages (投诉举报): shape only; the rules (real name or
anonymous report, facts, case of the cycle, evidence types) are the service's."""

from django import forms
from django.utils.translation import gettext_lazy as _

from publicity.forms import MultipleFileField

from .models import Reviewer
from .models_complaints import Complaint


class ComplaintForm(forms.Form):
    """The public form. Names and contacts are optional at this level so that a
    refused form shows the service's reasons next to each field."""

    kind = forms.ChoiceField(
        label=_("反映的问题涉及"),
        choices=[("", _("请选择")), *Complaint.Kind.choices],
        error_messages={"required": _("请选择投诉举报的事项。")},
    )
    cycle = forms.TypedChoiceField(
        label=_("评审届次"),
        coerce=int,
        error_messages={"required": _("请选择所涉及的评审届次。")},
    )
    case = forms.TypedChoiceField(
        label=_("涉及的申报组织（选填）"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("只列出已受理的申报组织。"),
    )
    person_concerned = forms.CharField(
        label=_("被投诉举报人员（选填）"),
        max_length=120,
        required=False,
        help_text=_("填写您知道的姓名、单位或职务；评审员名单不对外公开。"),
    )
    facts = forms.CharField(
        label=_("事实和理由"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=10000,
        help_text=_("写明什么人、在什么时间、哪个评审环节、做了什么。"),
    )
    evidence = MultipleFileField(label=_("证据材料（选填，PDF、JPEG 或 PNG）"))
    anonymous = forms.BooleanField(
        label=_("匿名举报（不留姓名和联系方式）"),
        required=False,
        help_text=_(
            "匿名举报同样受理和调查，但评审办无法向您核实情况或告知结果；"
            "您只能凭受理编号查询办理状态。"
        ),
    )
    complainant_name = forms.CharField(label=_("真实姓名"), max_length=60, required=False)
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=30,
        required=False,
        help_text=_("查询处理结果时需要输入此电话号码。"),
    )
    email = forms.EmailField(label=_("电子邮箱（选填，用于告知处理结果）"), required=False)
    complainant_organisation = forms.CharField(
        label=_("所在单位（选填）"), max_length=120, required=False
    )
    pledge = forms.BooleanField(
        label=_("本人承诺所反映情况真实，愿意配合评审办调查核实。"),
        error_messages={"required": _("请勾选承诺后再提交。")},
    )

    def __init__(self, *args, cycles=(), cases=(), **kwargs):
        super().__init__(*args, **kwargs)
        cycles = list(cycles)
        self.fields["cycle"].choices = [(c.pk, c.title) for c in cycles]
        titles = {c.pk: str(c.title) for c in cycles}
        groups: dict[int, list[tuple[int, str]]] = {}
        for case in cases:
            groups.setdefault(case.cycle_id, []).append((case.pk, case.organisation.name))
        self.fields["case"].choices = [("", _("不涉及具体组织"))] + [
            (titles.get(cycle_id, ""), options) for cycle_id, options in groups.items()
        ]

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "cycle_id": data["cycle"],
            "case_id": data["case"],
            "kind": data["kind"],
            "person_concerned": data["person_concerned"],
            "facts": data["facts"],
            "anonymous": data["anonymous"],
            "complainant_name": data["complainant_name"],
            "phone": data["phone"],
            "email": data["email"],
            "complainant_organisation": data["complainant_organisation"],
            "evidence": [(f, f.name) for f in data["evidence"]],
        }


class ComplaintLookupForm(forms.Form):
    receipt = forms.CharField(label=_("受理编号"), max_length=30)
    phone = forms.CharField(
        label=_("提交时填写的联系电话"),
        max_length=30,
        required=False,
        help_text=_("匿名举报不填。"),
    )


class ComplaintFilterForm(forms.Form):
    """The office list's filters (GET); an invalid value is ignored."""

    cycle = forms.TypedChoiceField(label=_("届次"), coerce=int, required=False, empty_value=None)
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部")), *Complaint.Status.choices], required=False
    )
    kind = forms.ChoiceField(
        label=_("事项"), choices=[("", _("全部")), *Complaint.Kind.choices], required=False
    )
    overdue = forms.BooleanField(label=_("只看逾期"), required=False)
    q = forms.CharField(label=_("受理编号、组织或人员"), max_length=60, required=False)

    def __init__(self, *args, cycles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].choices = [("", _("全部"))] + [(c.pk, c.title) for c in cycles]


class ComplaintNoteForm(forms.Form):
    note = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


class ComplaintCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("处理结论"),
        choices=[
            (Complaint.Status.UPHELD, _("经查属实")),
            (Complaint.Status.DISMISSED, _("经查不属实")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择处理结论。")},
    )
    findings = forms.CharField(
        label=_("调查核实情况（仅评审办可见）"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        error_messages={"required": _("请填写调查核实情况。")},
    )
    outcome_summary = forms.CharField(
        label=_("告知投诉人的处理结果"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        help_text=_("投诉人在查询页面和邮件中看到这段文字；请勿写入评审员或他人的个人信息。"),
        error_messages={"required": _("请填写告知投诉人的处理结果。")},
    )
    evidence = MultipleFileField(label=_("调查材料（选填）"))


class ComplaintReviewerActionForm(forms.Form):
    """Art. 26 decision on an upheld complaint against a reviewer."""

    reviewer = forms.ModelChoiceField(
        label=_("被投诉的评审员"),
        queryset=Reviewer.objects.none(),
        error_messages={"required": _("请选择被投诉的评审员。")},
    )
    status = forms.ChoiceField(
        label=_("处理"),
        choices=[
            (Reviewer.Status.SUSPENDED, _("暂停评审员资格")),
            (Reviewer.Status.DISQUALIFIED, _("取消评审员资格（不可恢复）")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择暂停或取消评审员资格。")},
    )
    reason = forms.CharField(
        label=_("理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": _("请填写状态变更理由。")},
    )

    def __init__(self, *args, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers
        self.fields["reviewer"].label_from_instance = lambda r: f"{r.name}（{r.employer}）"
