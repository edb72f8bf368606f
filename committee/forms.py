"""Input of the evaluation and committee pages. The rules are the services'
and the workflow's; these check the shape of the input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hengyang_award.core.forms import DateInput

from .models import Membership, Vote

NOTE_MAX = 2000


class ComparisonForm(forms.Form):
    comparison = forms.CharField(
        label=_("综合评价意见（各组织的书面比较）"),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("请填写综合评价意见。")},
    )


class DecideForm(forms.Form):
    NOMINATE, PASS_OVER = "nominate", "pass_over"

    action = forms.ChoiceField(
        choices=[(NOMINATE, _("列为获奖候选")), (PASS_OVER, _("不列入候选"))],
        widget=forms.HiddenInput,
    )
    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    expected_state = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("action") == self.PASS_OVER and not (data.get("note") or "").strip():
            self.add_error("note", _("不列入候选时请填写理由。"))
        return data


class MembershipForm(forms.Form):
    user = forms.TypedChoiceField(label=_("人员"), coerce=int)
    role = forms.ChoiceField(label=_("职务"), choices=Membership.Role.choices)

    def __init__(self, *args, users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", _("请选择"))] + [
            (u.pk, f"{u}（{u.username}）") for u in users
        ]


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("会议日期"), widget=DateInput)
    place = forms.CharField(label=_("会议地点"), max_length=120)


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(
        label=_("出席人员"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [
            (m.pk, f"{m.user}（{m.get_role_display()}）") for m in members
        ]


class DeclarationForm(forms.Form):
    NONE, CONFLICT = "none", "conflict"

    answer = forms.ChoiceField(
        label=_("声明"),
        choices=[
            (NONE, _("本人与该组织不存在利害关系")),
            (CONFLICT, _("本人与该组织存在利害关系，申请回避")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择是否存在利害关系。")},
    )
    grounds = forms.ChoiceField(label=_("利害关系类型"), required=False)
    description = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        from review.models import ReviewerRelation

        super().__init__(*args, **kwargs)
        self.fields["grounds"].choices = [("", _("请选择")), *ReviewerRelation.Kind.choices]

    def clean(self):
        data = super().clean()
        if data.get("answer") == self.CONFLICT and not data.get("grounds"):
            self.add_error("grounds", _("请选择利害关系类型。"))
        return data

    @property
    def has_conflict(self) -> bool:
        return self.cleaned_data["answer"] == self.CONFLICT


class BallotForm(forms.Form):
    """One choice per candidate the member may still vote on in the round."""

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = [line for line in lines if line.can_vote]
        for line in self.lines:
            self.fields[f"case_{line.case.pk}"] = forms.ChoiceField(
                label=line.case.organisation.name,
                choices=Vote.Choice.choices,
                widget=forms.RadioSelect,
                required=False,
            )

    def clean(self):
        data = super().clean()
        if not self.lines:
            raise forms.ValidationError(
                _("本轮没有您可以投票的候选组织（已投票、已申报回避或尚未作出声明）。")
            )
        if not any(data.get(f"case_{line.case.pk}") for line in self.lines):
            raise forms.ValidationError(_("请至少对一个候选组织作出选择。"))
        return data

    def choices(self) -> list[tuple[int, str]]:
        return [
            (line.case.pk, self.cleaned_data[f"case_{line.case.pk}"])
            for line in self.lines
            if self.cleaned_data.get(f"case_{line.case.pk}")
        ]
