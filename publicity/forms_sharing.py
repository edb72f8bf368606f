"""Input of the experience-sharing pages: shape only; the rules (capacity,
deadline, office phone, file types) live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import MultipleFileField


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class SharingEntryForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=120)
    summary = forms.CharField(
        label=_("案例简介"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("简要介绍案例背景和取得的成效。请勿填写个人联系方式等个人信息。"),
    )
    methods = forms.CharField(
        label=_("经验做法"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("可供其他组织学习借鉴的方法、工具和做法。"),
    )
    attachments = MultipleFileField(label=_("附件（选填，PDF、JPEG 或 PNG）"))


class VisitSessionForm(forms.Form):
    topic = forms.CharField(label=_("观摩主题"), max_length=120)
    starts_at = forms.DateTimeField(
        label=_("观摩时间"),
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    place = forms.CharField(label=_("地点"), max_length=200)
    capacity = forms.IntegerField(label=_("名额（人）"), min_value=1, max_value=1000)
    registration_deadline = forms.DateTimeField(
        label=_("报名截止时间"),
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    contact_phone = forms.CharField(
        label=_("联系电话（单位办公电话）"),
        max_length=30,
        help_text=_("将在公开网站上显示，请填写单位办公电话，不要填写个人手机号码。"),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class VisitRegistrationForm(forms.Form):
    attendees = forms.IntegerField(label=_("参加人数"), min_value=1, max_value=1000)
    attendee_names = forms.CharField(
        label=_("参加人员姓名"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("仅供本单位和评审办查看，不会公开，举办单位只看到单位名称和人数。"),
    )
