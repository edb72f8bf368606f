"""Input of the on-site review pages: shape and cross-field consistency only; the
rules (team size, visit length, evidence for a changed score) live in the
services, whose refusals the views show on these forms."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from hengyang_award.core.forms import DateInput
from hengyang_award.core.scoring import allowed_percents

from .models import OnsiteReport, Reviewer
from .selectors_onsite import ScoreRow

TEXT = {"rows": 4}


class ReviewerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Reviewer) -> str:
        return f"{obj.name}（{obj.employer}）"


class ReviewerMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Reviewer) -> str:
        return f"{obj.name}（{obj.employer}）"


class OnsiteTeamForm(forms.Form):
    leader = ReviewerChoiceField(label=_("组长"), queryset=Reviewer.objects.none())
    members = ReviewerMultipleChoiceField(
        label=_("组员"), queryset=Reviewer.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(
        label=_("人工指定或调整的理由"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, reviewers: QuerySet[Reviewer], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = reviewers
        self.fields["members"].queryset = reviewers

    def clean(self) -> dict:
        data = super().clean()
        leader, members = data.get("leader"), data.get("members")
        if leader is not None and members is not None and leader in members:
            self.add_error("members", _("组长不能同时列为组员。"))
        return data


class OnsiteScheduleForm(forms.Form):
    starts_on = forms.DateField(label=_("现场评审开始日期"), widget=DateInput())
    ends_on = forms.DateField(label=_("现场评审结束日期"), widget=DateInput())
    agenda = forms.CharField(
        label=_("日程安排"), required=False, max_length=5000, widget=forms.Textarea(attrs=TEXT)
    )
    issues_to_verify = forms.CharField(
        label=_("需现场核实的问题"),
        required=False,
        max_length=10000,
        help_text=_("默认列出资料评审共识中的改进机会，可以修改。"),
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def clean(self) -> dict:
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("结束日期不能早于开始日期。"))
        return data


def _field_key(code: str) -> str:
    return code.replace(".", "_")


class OnsiteScoresForm(forms.Form):
    """One row per scoring item: the percentage, the evidence verified on site,
    and the strengths and opportunities (one per line)."""

    def __init__(self, *args, rows: list[ScoreRow], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        choices = [("", "—"), *((str(p), f"{p}%") for p in allowed_percents())]
        for row in rows:
            key = _field_key(row.item.code)
            onsite = row.onsite
            self.fields[f"percent_{key}"] = forms.TypedChoiceField(
                label=_("现场得分率"),
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=_initial_percent(row),
            )
            self.fields[f"evidence_{key}"] = forms.CharField(
                label=_("现场核实的证据"),
                required=False,
                max_length=5000,
                initial=onsite.evidence if onsite else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"strengths_{key}"] = forms.CharField(
                label=_("优势（每行一条）"),
                required=False,
                max_length=5000,
                initial="\n".join(_lines_of(row, "strengths")),
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"opportunities_{key}"] = forms.CharField(
                label=_("改进机会（每行一条）"),
                required=False,
                max_length=5000,
                initial="\n".join(_lines_of(row, "opportunities")),
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def items(self) -> list[tuple[ScoreRow, list[forms.BoundField]]]:
        return [
            (row, [self[f"{name}_{_field_key(row.item.code)}"] for name in SCORE_FIELDS])
            for row in self.rows
        ]

    def entries(self) -> dict[str, dict]:
        data = self.cleaned_data
        return {
            row.item.code: {
                "percent": data[f"percent_{key}"],
                "evidence": data[f"evidence_{key}"],
                "strengths": data[f"strengths_{key}"].splitlines(),
                "opportunities": data[f"opportunities_{key}"].splitlines(),
            }
            for row in self.rows
            for key in [_field_key(row.item.code)]
        }


SCORE_FIELDS = ("percent", "evidence", "strengths", "opportunities")


def _initial_percent(row: ScoreRow) -> str:
    percent = row.onsite.percent if row.onsite is not None else row.document_percent
    return "" if percent is None else str(percent)


def _lines_of(row: ScoreRow, field: str) -> list[str]:
    source = row.onsite or row.document
    return list(getattr(source, field)) if source else []


class OnsiteReportForm(forms.ModelForm):
    """The leader edits every section; a member only the fact-finding ones.
    `version` is the report's `updated_at` when the editor opened it."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = OnsiteReport
        fields = [
            "sites_and_interviews",
            "verification",
            "veto_findings",
            "conclusion",
            "recommendation",
            "recommendation_reason",
        ]
        widgets = {
            "sites_and_interviews": forms.Textarea(attrs={"rows": 6}),
            "verification": forms.Textarea(attrs={"rows": 6}),
            "veto_findings": forms.Textarea(attrs=TEXT),
            "conclusion": forms.Textarea(attrs=TEXT),
            "recommendation_reason": forms.Textarea(attrs=TEXT),
        }

    def __init__(self, *args, sections: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name != "version" and name not in sections:
                del self.fields[name]
        if "recommendation" in self.fields:
            self.fields["recommendation"].widget = forms.RadioSelect(
                choices=OnsiteReport.Recommendation.choices
            )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.updated_at.isoformat()

    def sections(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


# The points of the report the applicant may disagree with, one note each.
CONFIRMATION_POINTS = (
    ("team", _("评审组成员及独立性")),
    ("schedule", _("现场评审日程、现场和访谈")),
    ("verification", _("关键信息核实情况")),
    ("findings", _("优势和改进机会")),
    ("scores", _("评分项得分")),
    ("conclusion", _("结论和建议")),
    ("veto", _("否决性发现")),
)


class OnsiteConfirmationForm(forms.Form):
    AGREE, DISAGREE = "agree", "disagree"

    decision = forms.ChoiceField(
        label=_("确认意见"),
        choices=[(AGREE, _("确认报告内容")), (DISAGREE, _("对报告有不同意见"))],
        widget=forms.RadioSelect,
    )
    remarks = forms.CharField(
        label=_("其他说明"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in CONFIRMATION_POINTS:
            self.fields[f"point_{key}"] = forms.CharField(
                label=label,
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def point_fields(self) -> list[forms.BoundField]:
        return [self[f"point_{key}"] for key, _label in CONFIRMATION_POINTS]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == self.DISAGREE and not self._points(data):
            raise ValidationError(_("选择有不同意见时，请至少就一处写明不同意见。"))
        return data

    def _points(self, data: dict) -> list[str]:
        return [
            f"【{label}】{data[f'point_{key}'].strip()}"
            for key, label in CONFIRMATION_POINTS
            if data.get(f"point_{key}", "").strip()
        ]

    @property
    def agree(self) -> bool:
        return self.cleaned_data["decision"] == self.AGREE

    def note(self) -> str:
        """The applicant's note: each disputed point under its heading, then any
        other remarks."""
        data = self.cleaned_data
        points = [] if self.agree else self._points(data)
        return "\n".join([*points, data["remarks"].strip()]).strip()


SCALE = [(n, str(n)) for n in range(5, 0, -1)]


class ReviewerEvaluationForm(forms.Form):
    quality = forms.TypedChoiceField(
        label=_("工作质量（1–5分）"), choices=SCALE, coerce=int, widget=forms.RadioSelect
    )
    discipline = forms.TypedChoiceField(
        label=_("纪律作风（1–5分）"), choices=SCALE, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("评价意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
