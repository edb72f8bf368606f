from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AwardCycle
from .services import CYCLE_DATE_FIELDS, CYCLE_PARAMETER_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CycleForm(forms.ModelForm):
    """The cycle's dates and rule parameters; the model's `clean` holds the rules."""

    class Meta:
        model = AwardCycle
        fields = ("number", *CYCLE_DATE_FIELDS, *CYCLE_PARAMETER_FIELDS)
        widgets = {f: DateInput() for f in CYCLE_DATE_FIELDS if f != "year"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["number"].disabled = True


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("我已核对全部规则参数，启动后不可再修改"),
        required=True,
        error_messages={"required": _("请勾选确认后再启动。")},
    )
