from django import forms
from django.utils.translation import gettext_lazy as _


class CaseActionForm(forms.Form):
    """One transition from the case page. `expected_state` is the state the user
    saw: if someone acted first, the action is refused instead of repeated."""

    note = forms.CharField(
        label=_("意见或理由"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    expected_state = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, note_required: bool = False, note_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.note_required = note_required
        if note_label:
            self.fields["note"].label = note_label

    def clean_note(self) -> str:
        note = self.cleaned_data["note"].strip()
        if self.note_required and not note:
            raise forms.ValidationError(
                _("此操作需要填写%(label)s。") % {"label": self.fields["note"].label}
            )
        return note
