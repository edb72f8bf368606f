from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hengyang_award.core.forms import DateInput
from hengyang_award.core.models import ScoringItem
from hengyang_award.core.scoring import allowed_percents

from .completeness import FIGURES, STANDARDS
from .models import Attachment, ScreeningDecision


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


# --- The application file, one form per section ---------------------------------

MONEY = {"max_digits": 14, "decimal_places": 2}
YES_NO = [(True, _("是")), (False, _("否"))]


def _not_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("日期不能晚于今天。"))
    return value


class BasicSectionForm(forms.Form):
    employees = forms.IntegerField(label=_("职工人数"), min_value=1, required=False)
    main_products = forms.CharField(
        label=_("主要产品或服务"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "data-counter": "2000"}),
    )


class FiguresSectionForm(forms.Form):
    """Revenue, profit, tax and R&D for the three years before the application
    year (profit may be negative), and up to five quality indicators."""

    INDICATORS = 5

    def __init__(self, *args, years: tuple[int, int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.years = years
        for key, label in FIGURES:
            for i, year in enumerate(years, start=1):
                self.fields[f"{key}_{i}"] = forms.DecimalField(
                    label=_("%(year)d年%(label)s") % {"year": year, "label": label},
                    required=False,
                    min_value=None if key == "profit" else Decimal(0),
                    **MONEY,
                )
        for n in range(1, self.INDICATORS + 1):
            self.fields[f"qi_{n}_name"] = forms.CharField(
                label=_("质量指标%(n)d名称") % {"n": n}, required=False, max_length=60
            )
            self.fields[f"qi_{n}_unit"] = forms.CharField(
                label=_("单位"), required=False, max_length=20
            )
            for i, year in enumerate(years, start=1):
                self.fields[f"qi_{n}_{i}"] = forms.DecimalField(
                    label=str(year), required=False, max_digits=14, decimal_places=4
                )

    def clean(self):
        data = super().clean()
        for n in range(1, self.INDICATORS + 1):
            keys = [f"qi_{n}_name", f"qi_{n}_unit", *(f"qi_{n}_{i}" for i in (1, 2, 3))]
            filled = [data.get(k) not in (None, "") for k in keys]
            if any(filled) and not all(filled):
                self.add_error(
                    f"qi_{n}_name", _("请完整填写该质量指标的名称、单位和三年数值，或全部留空。")
                )
        return data

    def section_data(self) -> dict:
        data = self.cleaned_data
        return {
            "figures": {
                key: [data.get(f"{key}_{i}") for i in (1, 2, 3)] for key, _label in FIGURES
            },
            "quality_indicators": [
                {
                    "name": data[f"qi_{n}_name"],
                    "unit": data[f"qi_{n}_unit"],
                    "values": [data[f"qi_{n}_{i}"] for i in (1, 2, 3)],
                }
                for n in range(1, self.INDICATORS + 1)
                if data.get(f"qi_{n}_name")
            ],
        }

    @staticmethod
    def initial_from(form) -> dict:
        initial = {}
        for key, values in (form.figures or {}).items():
            for i, value in enumerate(values or [], start=1):
                initial[f"{key}_{i}"] = value
        for n, indicator in enumerate(form.quality_indicators or [], start=1):
            initial[f"qi_{n}_name"] = indicator.get("name")
            initial[f"qi_{n}_unit"] = indicator.get("unit")
            for i, value in enumerate(indicator.get("values") or [], start=1):
                initial[f"qi_{n}_{i}"] = value
        return initial


class SystemsSectionForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in STANDARDS:
            self.fields[f"{key}_number"] = forms.CharField(
                label=_("%(label)s证书编号") % {"label": label}, required=False, max_length=60
            )
            self.fields[f"{key}_body"] = forms.CharField(
                label=_("认证机构"), required=False, max_length=100
            )
            self.fields[f"{key}_scope"] = forms.CharField(
                label=_("认证范围"),
                required=False,
                max_length=500,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"{key}_issued_on"] = forms.DateField(
                label=_("发证日期"), required=False, widget=DateInput(), validators=[_not_future]
            )
            self.fields[f"{key}_expires_on"] = forms.DateField(
                label=_("有效期至"), required=False, widget=DateInput()
            )
        self.fields["cqo_name"] = forms.CharField(
            label=_("首席质量官姓名"), required=False, max_length=60
        )
        self.fields["cqo_post"] = forms.CharField(
            label=_("首席质量官职务"), required=False, max_length=60
        )
        self.fields["cqo_appointed_on"] = forms.DateField(
            label=_("任命日期"), required=False, widget=DateInput(), validators=[_not_future]
        )
        self.fields["excellence_model_usage"] = forms.CharField(
            label=_("推行卓越绩效管理模式的情况"),
            required=False,
            max_length=3000,
            widget=forms.Textarea(attrs={"rows": 4, "data-counter": "3000"}),
        )

    def clean(self):
        data = super().clean()
        for key, _label in STANDARDS:
            issued, expires = data.get(f"{key}_issued_on"), data.get(f"{key}_expires_on")
            if issued and expires and expires <= issued:
                self.add_error(f"{key}_expires_on", _("有效期截止日期必须晚于发证日期。"))
        return data

    def section_data(self) -> dict:
        data = self.cleaned_data
        return {
            "certificates": {
                key: {
                    field: data.get(f"{key}_{field}") or ""
                    for field in ("number", "body", "scope", "issued_on", "expires_on")
                }
                for key, _label in STANDARDS
            },
            "cqo_name": data["cqo_name"],
            "cqo_post": data["cqo_post"],
            "cqo_appointed_on": data["cqo_appointed_on"],
            "excellence_model_usage": data["excellence_model_usage"],
        }

    @staticmethod
    def initial_from(form) -> dict:
        initial = {
            "cqo_name": form.cqo_name,
            "cqo_post": form.cqo_post,
            "cqo_appointed_on": form.cqo_appointed_on,
            "excellence_model_usage": form.excellence_model_usage,
        }
        for key, cert in (form.certificates or {}).items():
            for field, value in cert.items():
                initial[f"{key}_{field}"] = value
        return initial


def _yes_no(label):
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda v: v == "True",
        required=False,
        widget=forms.RadioSelect,
        empty_value=None,
    )


class DeclarationsSectionForm(forms.Form):
    credit_good = _yes_no(_("本单位诚信记录良好，未被列入严重失信名单"))
    credit_note = forms.CharField(
        label=_("如选“否”，请说明情况"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    no_major_accident = _yes_no(_("近三年内未发生较大及以上质量、安全、环保、公共卫生等责任事故"))
    accident_description = forms.CharField(
        label=_("如选“否”，请说明发生的事故及处理情况"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    no_violation = _yes_no(_("近三年内无违反法律法规的行为"))
    violation_description = forms.CharField(
        label=_("如选“否”，请说明违法违规情况及处理结果"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        for answer, note in (
            ("credit_good", "credit_note"),
            ("no_major_accident", "accident_description"),
            ("no_violation", "violation_description"),
        ):
            if data.get(answer) is False and not (data.get(note) or "").strip():
                self.add_error(note, _("选择“否”时必须说明具体情况。"))
        return data

    def section_data(self) -> dict:
        return dict(self.cleaned_data)


class AssessmentSectionForm(forms.Form):
    """Overview and the self-assessment of each GB/T 19580 item."""

    def __init__(self, *args, cycle, items: list[ScoringItem], **kwargs):
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        self.items = items
        self.fields["overview"] = forms.CharField(
            label=_("组织概述"),
            required=False,
            max_length=cycle.overview_char_limit,
            widget=forms.Textarea(attrs={"rows": 6, "data-counter": cycle.overview_char_limit}),
            error_messages={
                "max_length": _("组织概述不能超过%(limit_value)d字（当前%(show_value)d字）。")
            },
        )
        choices = [("", "—"), *((p, f"{p}%") for p in allowed_percents())]
        for item in items:
            key = item.code.replace(".", "_")
            self.fields[f"item_{key}_text"] = forms.CharField(
                label=(
                    _("方法、展开、学习和整合情况")
                    if item.kind == ScoringItem.Kind.PROCESS
                    else _("水平、趋势、对比和整合情况")
                ),
                required=False,
                widget=forms.Textarea(attrs={"rows": 4, "data-total-counter": "assessment"}),
            )
            self.fields[f"item_{key}_percent"] = forms.TypedChoiceField(
                label=_("自评得分率"),
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.Select(attrs={"data-points": item.points}),
            )

    def clean(self):
        data = super().clean()
        total = sum(
            len(data.get(f"item_{i.code.replace('.', '_')}_text") or "") for i in self.items
        )
        limit = self.cycle.self_assessment_char_limit
        if total > limit:
            raise forms.ValidationError(
                _("自我评价各评分项合计不能超过%(limit)d字，当前%(total)d字。")
                % {"limit": limit, "total": total}
            )
        return data

    def section_data(self) -> dict:
        data = self.cleaned_data
        return {
            "overview": data["overview"],
            "self_assessment": {
                item.code: {
                    "text": data[f"item_{item.code.replace('.', '_')}_text"],
                    "percent": data[f"item_{item.code.replace('.', '_')}_percent"],
                }
                for item in self.items
            },
        }

    @staticmethod
    def initial_from(form) -> dict:
        initial = {"overview": form.overview}
        for code, entry in (form.self_assessment or {}).items():
            key = code.replace(".", "_")
            initial[f"item_{key}_text"] = entry.get("text")
            initial[f"item_{key}_percent"] = entry.get("percent")
        return initial


class AttachmentUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("材料类别"),
        choices=[c for c in Attachment.Kind.choices if c[0] != Attachment.Kind.RECOMMENDATION_SCAN],
    )
    confidentiality = forms.ChoiceField(
        label=_("保密标记（第二十一条）"), choices=Attachment.Confidentiality.choices
    )
    description = forms.CharField(label=_("说明"), required=False, max_length=200)
    file = forms.FileField(
        label=_("文件"), help_text=_("PDF、JPG 或 PNG；文件内容会被检查，不能只改扩展名。")
    )


class PledgeForm(forms.Form):
    signer = forms.CharField(label=_("法定代表人姓名"), max_length=60)
    agree = forms.BooleanField(
        label=_("本单位承诺所提交的全部申报材料真实、准确、完整，如有弄虚作假，自愿承担相应责任。"),
        error_messages={"required": _("请勾选承诺。")},
    )

    def __init__(self, *args, legal_representative: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.legal_representative = legal_representative

    def clean_signer(self) -> str:
        signer = self.cleaned_data["signer"].strip()
        if signer != self.legal_representative:
            raise forms.ValidationError(
                _(
                    "签名应与登记的法定代表人“%(name)s”一致；如法定代表人已变更，请先联系评审办更新组织信息。"
                )
                % {"name": self.legal_representative}
            )
        return signer


class RecommendationForm(forms.Form):
    opinion = forms.CharField(
        label=_("推荐意见"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("请填写推荐意见。")},
    )
    scan = forms.FileField(
        label=_("盖章的推荐意见扫描件"),
        help_text=_("PDF、JPG 或 PNG。"),
        error_messages={"required": _("请上传盖章的推荐意见扫描件。")},
    )
    expected_state = forms.CharField(widget=forms.HiddenInput)


Result = ScreeningDecision.Result


class ScreeningDecisionForm(forms.Form):
    """One pre-check's decision. For an automatic pass or fail the officer confirms
    it or reverses it; a check needing judgement offers only the two results."""

    CONFIRM = "confirm"

    outcome = forms.ChoiceField(label=_("审查结论"), widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("理由或说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, automatic: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if automatic == Result.JUDGEMENT:
            choices = [
                (Result.PASS, _("判定为通过")),
                (Result.FAIL, _("判定为不通过")),
            ]
        else:
            opposite = Result.FAIL if automatic == Result.PASS else Result.PASS
            choices = [
                (self.CONFIRM, _("确认：%(result)s") % {"result": Result(automatic).label}),
                (opposite, _("改判为：%(result)s") % {"result": Result(opposite).label}),
            ]
        self.fields["outcome"].choices = choices

    def decision_arguments(self) -> dict[str, str | None]:
        outcome = self.cleaned_data["outcome"]
        if outcome == self.CONFIRM:
            return {"decision": ScreeningDecision.Decision.CONFIRM, "final_result": None}
        return {"decision": ScreeningDecision.Decision.OVERRIDE, "final_result": outcome}
