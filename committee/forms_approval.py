"""Input of the approval pages (director, mayor)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ApprovalDecisionForm(forms.Form):
    DECISIONS = (("approve", _("同意")), ("send_back", _("退回评委会")))

    decision = forms.ChoiceField(label=_("决定"), choices=DECISIONS, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("意见或退回理由"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("退回时必须填写理由。"),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("decision") == "send_back" and not cleaned.get("note", "").strip():
            self.add_error("note", _("退回时请填写理由。"))
        return cleaned


class ApproveListedForm(forms.Form):
    """Approve every case that was listed on the page (their ids travel with the
    form, so a case that arrived after the page was shown is not approved unseen)."""

    cases = forms.TypedMultipleChoiceField(
        coerce=int, error_messages={"required": _("没有待审批的组织。")}
    )
    note = forms.CharField(
        label=_("意见"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, case_ids: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cases"].choices = [(pk, pk) for pk in case_ids]
