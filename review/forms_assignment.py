"""Input of the assignment pages: draws, confirmations, manual changes, conflict
decisions and the reviewer's declaration. The rules are the services'; these
check the shape of the input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Assignment, AssignmentDraw, ConflictFlag
from .selectors_assignment import PoolEntry

REASON_MAX = 300


def pool_choices(pool: list[PoolEntry]) -> list[tuple[str, str]]:
    """Reviewers the office may pick by hand, with what it should know about each
    (those on the team or recused are left out; likely conflicts are marked)."""
    choices = [("", _("请选择评审员"))]
    for entry in pool:
        if entry.on_team or entry.recused:
            continue
        label = _("%(name)s（%(employer)s；%(industries)s；本届在岗任务%(load)d项）") % {
            "name": entry.reviewer.name,
            "employer": entry.reviewer.employer,
            "industries": entry.reviewer.industries or "—",
            "load": entry.load,
        }
        if entry.conflicts and not entry.cleared:
            label = _("%(label)s ⚠ 可能存在利害关系") % {"label": label}
        choices.append((str(entry.reviewer.pk), label))
    return choices


def _reason_field(label) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": REASON_MAX}),
    )


class DrawForm(forms.Form):
    """Ask for a random suggestion; the seed is never the office's to choose."""

    stage = forms.ChoiceField(choices=Assignment.Stage.choices, widget=forms.HiddenInput)
    count = forms.IntegerField(
        label=_("抽取人数"),
        min_value=1,
        max_value=50,
        required=False,
        help_text=_("留空则抽取补足本届规定人数所需的人数。"),
    )


class DrawConfirmForm(forms.Form):
    reviewers = forms.TypedMultipleChoiceField(
        label=_("确认指派的评审员"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    leader = forms.TypedChoiceField(label=_("组长"), coerce=int, required=False, empty_value=None)

    def __init__(
        self, *args, draw: AssignmentDraw, names: dict[int, str], has_leader: bool, **kwargs
    ):
        super().__init__(*args, **kwargs)
        choices = [(str(pk), names.get(pk, str(pk))) for pk in draw.result]
        self.fields["reviewers"].choices = choices
        self.fields["reviewers"].initial = [pk for pk, _label in choices]
        if has_leader:
            del self.fields["leader"]
        else:
            self.fields["leader"].choices = [("", _("暂不指定")), *choices]
            self.fields["leader"].help_text = _(
                "本阶段评审组尚无组长，可从本次抽取的评审员中指定。"
            )


class AssignmentAddForm(forms.Form):
    stage = forms.ChoiceField(choices=Assignment.Stage.choices, widget=forms.HiddenInput)
    reviewer = forms.TypedChoiceField(label=_("评审员"), coerce=int)
    role = forms.ChoiceField(
        label=_("角色"), choices=Assignment.Role.choices, initial=Assignment.Role.MEMBER
    )
    reason = _reason_field(_("人工指定的理由"))

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = choices


class AssignmentReplaceForm(forms.Form):
    reviewer = forms.TypedChoiceField(label=_("替补评审员"), coerce=int)
    reason = _reason_field(_("更换理由"))

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = choices


class RecuseForm(forms.Form):
    reason = _reason_field(_("要求回避的理由"))


class FlagDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("处理决定"),
        choices=[
            (ConflictFlag.Decision.RECUSE, ConflictFlag.Decision.RECUSE.label),
            (ConflictFlag.Decision.CLEARED, ConflictFlag.Decision.CLEARED.label),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("核实情况和处理说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("排除利害关系时必须填写。"),
    )


class DeclarationForm(forms.Form):
    """The impartiality and confidentiality declaration (Art. 24-25)."""

    NONE, SOME = "none", "some"

    pledge = forms.BooleanField(
        label=_(
            "本人已阅读上述声明，承诺在本次评审中客观公正、廉洁自律，对申报材料和评审情况严格保密。"
        ),
        error_messages={"required": _("请确认承诺后再签署声明。")},
    )
    relation = forms.ChoiceField(
        label=_("与申报组织的利害关系"),
        choices=[
            (NONE, _("本人与该申报组织不存在需要回避的利害关系")),
            (SOME, _("本人与该申报组织存在以下关系（请如实说明）")),
        ],
        widget=forms.RadioSelect,
    )
    relations_text = forms.CharField(
        label=_("关系说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如：本人或配偶、近亲属三年内在该单位任职；曾为其提供咨询；投资关系等。"),
    )

    def __init__(self, *args, already_signed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if already_signed:
            # After signing, the form only adds a relation found later.
            del self.fields["pledge"]
            self.fields["relation"].choices = [self.fields["relation"].choices[1]]
            self.fields["relation"].initial = self.SOME

    @property
    def no_conflict(self) -> bool:
        return self.cleaned_data["relation"] == self.NONE

    @property
    def relations(self) -> str:
        return "" if self.no_conflict else self.cleaned_data["relations_text"]
