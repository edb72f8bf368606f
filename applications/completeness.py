"""What an application file still lacks before it can be submitted: one entry per
missing item, naming the section and the field so the page can link to it."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from hengyang_award.core.models import ScoringItem

from .models import ApplicationForm, Attachment, Case

SECTIONS = (
    ("basic", _("一、基本情况")),
    ("figures", _("二、主要经济指标")),
    ("systems", _("三、管理体系与首席质量官")),
    ("declarations", _("四、诚信与守法声明")),
    ("assessment", _("五、组织概述与自我评价")),
    ("attachments", _("六、证明材料")),
    ("pledge", _("七、诚信承诺")),
)
SECTION_KEYS = tuple(key for key, _label in SECTIONS)

FIGURES = (
    ("revenue", _("营业收入（万元）")),
    ("profit", _("利润总额（万元）")),
    ("tax", _("纳税总额（万元）")),
    ("rnd", _("研发投入（万元）")),
)
STANDARDS = (
    ("iso9001", _("质量管理体系（ISO 9001 / GB/T 19001）")),
    ("iso14001", _("环境管理体系（ISO 14001）")),
    ("iso45001", _("职业健康安全管理体系（ISO 45001）")),
)
CERTIFICATE_FIELDS = ("number", "body", "scope", "issued_on", "expires_on")
REQUIRED_ATTACHMENTS = (
    Attachment.Kind.BUSINESS_LICENCE,
    Attachment.Kind.CERT_ISO9001,
    Attachment.Kind.CERT_ISO14001,
    Attachment.Kind.CERT_ISO45001,
    Attachment.Kind.CQO_APPOINTMENT,
    Attachment.Kind.FINANCIAL_STATEMENTS,
    Attachment.Kind.INTEGRITY_PLEDGE,
)


@dataclass(frozen=True)
class Missing:
    section: str
    field: str
    message: str


def application_missing(case: Case) -> list[Missing]:
    form = ApplicationForm.objects.filter(case=case).first()
    if form is None:
        return [Missing("basic", "", str(_("申报表尚未填写。")))]
    missing: list[Missing] = []

    def need(section: str, field: str, message) -> None:
        missing.append(Missing(section, field, str(message)))

    if not form.employees:
        need("basic", "employees", _("请填写职工人数。"))
    if not form.main_products.strip():
        need("basic", "main_products", _("请填写主要产品或服务。"))
    for key, label in FIGURES:
        values = form.figures.get(key) or []
        if len(values) != 3 or any(v in (None, "") for v in values):
            need("figures", f"{key}_1", _("请填写近三年的%(label)s。") % {"label": label})
    for key, label in STANDARDS:
        cert = form.certificates.get(key) or {}
        if not all(cert.get(f) for f in CERTIFICATE_FIELDS):
            need(
                "systems",
                f"{key}_number",
                _("请完整填写%(label)s认证证书信息。") % {"label": label},
            )
    if not (form.cqo_name and form.cqo_post and form.cqo_appointed_on):
        need("systems", "cqo_name", _("请填写首席质量官的姓名、职务和任命日期。"))
    if not form.excellence_model_usage.strip():
        need("systems", "excellence_model_usage", _("请说明推行卓越绩效管理模式的情况。"))
    for answer, note, field, message in (
        (form.credit_good, form.credit_note, "credit_good", _("请声明诚信记录情况。")),
        (
            form.no_major_accident,
            form.accident_description,
            "no_major_accident",
            _("请声明近三年是否发生较大及以上责任事故。"),
        ),
        (
            form.no_violation,
            form.violation_description,
            "no_violation",
            _("请声明近三年是否存在违法违规行为。"),
        ),
    ):
        if answer is None or (answer is False and not note.strip()):
            need("declarations", field, message)
    if not form.overview.strip():
        need("assessment", "overview", _("请填写组织概述。"))
    for item in ScoringItem.objects.all():
        entry = form.self_assessment.get(item.code) or {}
        if not str(entry.get("text", "")).strip() or entry.get("percent") in (None, ""):
            need(
                "assessment",
                f"item_{item.code.replace('.', '_')}_text",
                _("请完成评分项 %(code)s %(name)s 的自我评价。")
                % {"code": item.code, "name": item.name},
            )
    present = set(
        Attachment.objects.filter(case=case, removed_at=None).values_list("kind", flat=True)
    )
    for kind in REQUIRED_ATTACHMENTS:
        if kind not in present:
            need(
                "attachments",
                "kind",
                _("请上传：%(kind)s。") % {"kind": Attachment.Kind(kind).label},
            )
    if not form.pledge_signer.strip() or form.pledge_agreed_at is None:
        need("pledge", "pledge_signer", _("请由法定代表人签署诚信承诺。"))
    return missing
