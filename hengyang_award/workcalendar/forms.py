import csv
import io

from django import forms
from django.utils.translation import gettext_lazy as _

from hengyang_award.core.forms import DateInput

from .models import CalendarException


class ExceptionForm(forms.Form):
    day = forms.DateField(label=_("日期"), widget=DateInput())
    kind = forms.ChoiceField(label=_("类型"), choices=CalendarException.Kind.choices)
    name = forms.CharField(label=_("节日"), max_length=50, required=False)
    notice = forms.CharField(label=_("依据通知"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        day, kind = data.get("day"), data.get("kind")
        if day and kind:
            weekend = day.isoweekday() >= 6
            if kind == CalendarException.Kind.HOLIDAY and weekend:
                self.add_error("kind", _("周六、周日本来就休息，无需登记为法定节假日。"))
            if kind == CalendarException.Kind.WORKDAY and not weekend:
                self.add_error("kind", _("调休上班只能登记在周六或周日。"))
        return data


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    published = forms.BooleanField(label=_("该年度放假安排已完整录入"), required=False)
    notice = forms.CharField(label=_("依据通知"), max_length=200, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV 文件"),
        help_text=_("表头为 date,kind,name；kind 为 holiday（休息）或 workday（调休上班）。"),
    )
    notice = forms.CharField(label=_("依据通知"), max_length=200)

    MAX_BYTES = 200_000

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("文件过大（上限 200 KB）。"))
        raw = upload.read()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise forms.ValidationError(_("无法识别文件编码，请保存为 UTF-8 的 CSV。"))
        return list(csv.DictReader(io.StringIO(text)))


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("起算日（公布日）"), widget=DateInput())
    count = forms.IntegerField(label=_("工作日数"), min_value=1, max_value=250, initial=5)
