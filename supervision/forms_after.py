"""Forms of the after-award pages. The rules (amounts, purposes, periods,
deadlines) are the services'; these forms parse input and offer choices."""

from django import forms
from django.utils.translation import gettext_lazy as _

from publicity.forms import MultipleFileField

from .models import FundPurpose, MisuseReport, Revocation

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
TEXT = forms.Textarea(attrs={"rows": 4})


def uploads(files) -> list:
    return [(f, f.name) for f in files or []]


class PrizePaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("拨付日期"), widget=DATE)
    amount = forms.DecimalField(label=_("拨付金额（元）"), max_digits=12, decimal_places=2)
    reference = forms.CharField(label=_("拨付凭证号"), max_length=80)


class FundReportForm(forms.Form):
    """One amount per permitted purpose (Art. 13): only those can be reported."""

    period_start = forms.DateField(label=_("报告期起"), widget=DATE)
    period_end = forms.DateField(label=_("报告期止"), widget=DATE)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for purpose in FundPurpose:
            self.fields[f"amount_{purpose.value}"] = forms.DecimalField(
                label=purpose.label,
                required=False,
                min_value=0,
                max_digits=12,
                decimal_places=2,
            )
            self.fields[f"note_{purpose.value}"] = forms.CharField(
                label=_("%(purpose)s说明") % {"purpose": purpose.label},
                required=False,
                max_length=200,
            )
        self.fields["total"] = forms.DecimalField(
            label=_("本期使用合计（元）"), max_digits=12, decimal_places=2, min_value=0
        )
        self.fields["summary"] = forms.CharField(
            label=_("使用情况说明"), required=False, widget=TEXT
        )
        self.fields["evidence"] = MultipleFileField(label=_("证明材料（PDF、JPEG 或 PNG）"))

    def lines(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "purpose": purpose.value,
                "amount": data[f"amount_{purpose.value}"],
                "description": data[f"note_{purpose.value}"],
            }
            for purpose in FundPurpose
            if data.get(f"amount_{purpose.value}")
        ]


class FundReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("审核结论"),
        choices=[
            ("accept", _("通过")),
            ("questions", _("提出问题，退回答复")),
            ("misuse", _("发现违规使用，启动撤销程序")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("意见、问题或违规事实"), required=False, widget=TEXT)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复"), widget=TEXT)
    evidence = MultipleFileField(label=_("材料（选填）"))


class InspectionPlanForm(forms.Form):
    planned_on = forms.DateField(label=_("检查日期"), widget=DATE)
    inspectors = forms.CharField(label=_("检查人员"), max_length=200)
    scope = forms.CharField(label=_("检查范围"), widget=TEXT)


class InspectionRecordForm(forms.Form):
    held_on = forms.DateField(label=_("实际检查日期"), widget=DATE)
    findings = forms.CharField(label=_("检查发现"), widget=TEXT)
    follow_up = forms.CharField(label=_("整改要求（选填）"), required=False, widget=TEXT)
    follow_up_due = forms.DateField(label=_("整改期限"), required=False, widget=DATE)


class MisuseForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=MisuseReport.Kind.choices)
    observed_on = forms.DateField(label=_("发现日期"), widget=DATE)
    description = forms.CharField(label=_("情况描述"), widget=TEXT)
    action_taken = forms.CharField(label=_("处理措施"), required=False, widget=TEXT)
    evidence = MultipleFileField(label=_("证据材料（选填）"))


class RevocationOpenForm(forms.Form):
    grounds = forms.ChoiceField(label=_("撤销事由"), choices=Revocation.Grounds.choices)
    facts = forms.CharField(label=_("事实"), widget=TEXT)
    evidence = MultipleFileField(label=_("证据材料（选填）"))


class StatementForm(forms.Form):
    statement = forms.CharField(label=_("陈述申辩意见"), widget=TEXT)
    evidence = MultipleFileField(label=_("材料（选填）"))


class FindingsForm(forms.Form):
    findings = forms.CharField(label=_("调查核实情况"), widget=TEXT)


class CommitteeDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("评审委员会决定"), choices=Revocation.Decision.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("评审委员会意见"), widget=TEXT)


class CityDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("市政府决定"), choices=Revocation.Decision.choices, widget=forms.RadioSelect
    )
    number = forms.CharField(label=_("市政府决定文号"), max_length=60)
    decided_on = forms.DateField(label=_("决定日期"), widget=DATE)
    note = forms.CharField(label=_("决定内容"), widget=TEXT)
    recovery_due_on = forms.DateField(
        label=_("收回奖牌、证书和奖金的期限"), required=False, widget=DATE
    )


class RecoveryForm(forms.Form):
    completed_on = forms.DateField(label=_("完成日期"), widget=DATE)
    note = forms.CharField(label=_("办理情况"), required=False, max_length=500)
