"""Input of the document review: a scorebook or a consensus (one percentage and
two lists of findings per item, plus a reason for the consensus) and the office's
on-site list."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hengyang_award.core.models import ScoringItem

from . import scoring


def item_key(code: str) -> str:
    """A form-field-safe key of an item code ("4.1.2" -> "4_1_2")."""
    return code.replace(".", "_")


def percent_choices() -> list[tuple[Any, Any]]:
    """The allowed percentages grouped by band, with an empty choice first."""
    grouped: list[tuple[Any, Any]] = [("", _("未评分"))]
    allowed = [p for p in range(0, 101) if scoring.percent_valid(p)]
    for band in scoring.bands():
        grouped.append((band.label, [(p, f"{p}%") for p in allowed if band.low <= p <= band.high]))
    return grouped


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class ItemEntriesForm(forms.Form):
    """One percentage and the findings (one per line) for each scoring item."""

    with_reason = False

    def __init__(self, *args, items: list[ScoringItem], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            key = item_key(item.code)
            self.fields[f"percent_{key}"] = forms.TypedChoiceField(
                label=_("评分百分比"),
                choices=percent_choices(),
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.Select(
                    attrs={
                        "data-points": item.points,
                        "data-category": item.category_code,
                        "data-item": item.code,
                    }
                ),
            )
            self.fields[f"strengths_{key}"] = forms.CharField(
                label=_("优势"),
                required=False,
                help_text=_("每行一条。"),
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[f"opportunities_{key}"] = forms.CharField(
                label=_("改进机会"),
                required=False,
                help_text=_("每行一条。"),
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            if self.with_reason:
                self.fields[f"reason_{key}"] = forms.CharField(
                    label=_("偏离中位数的理由"),
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )

    def item_fields(self, code: str) -> dict[str, forms.BoundField]:
        key = item_key(code)
        names = ["percent", "strengths", "opportunities"] + (["reason"] if self.with_reason else [])
        return {name: self[f"{name}_{key}"] for name in names}

    def entries(self) -> dict[str, dict[str, Any]]:
        """The cleaned input in the services' form."""
        data = self.cleaned_data
        entries = {}
        for item in self.items:
            key = item_key(item.code)
            entry: dict[str, Any] = {
                "percent": data.get(f"percent_{key}"),
                "strengths": _lines(data.get(f"strengths_{key}", "")),
                "opportunities": _lines(data.get(f"opportunities_{key}", "")),
            }
            if self.with_reason:
                entry["reason"] = data.get(f"reason_{key}", "")
            entries[item.code] = entry
        return entries

    @classmethod
    def initial_from(cls, rows: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """Initial values from {code: {percent, strengths, opportunities, reason}}."""
        initial: dict[str, Any] = {}
        for code, row in rows.items():
            key = item_key(code)
            initial[f"percent_{key}"] = row.get("percent")
            initial[f"strengths_{key}"] = "\n".join(row.get("strengths") or [])
            initial[f"opportunities_{key}"] = "\n".join(row.get("opportunities") or [])
            if cls.with_reason:
                initial[f"reason_{key}"] = row.get("reason", "")
        return initial


class ScorebookForm(ItemEntriesForm):
    SAVE, SUBMIT = "save", "submit"


class ConsensusForm(ItemEntriesForm):
    SAVE, SUBMIT = "save", "submit"
    with_reason = True


class ShortlistForm(forms.Form):
    """The office's choice among the cases still in document review."""

    cases = forms.TypedMultipleChoiceField(
        label=_("进入现场评审的组织"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("未进入现场评审的说明"),
        required=False,
        help_text=_("记入未进入现场评审的案卷的办理记录，申报单位可见；请勿写入具体分数。"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, candidates: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cases"].choices = candidates
