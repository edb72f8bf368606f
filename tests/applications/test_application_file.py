"""The application file: section pages, evidence uploads and downloads, and the
snapshot frozen at each submission (QUALITY FI-1..FI-4, AC-1, AC-5)."""

import datetime
import hashlib
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfWriter

from applications import services
from applications.completeness import SECTION_KEYS, application_missing
from applications.models import ApplicationForm, ApplicationSnapshot, Attachment, Case
from applications.services import application as app_services
from hengyang_award.core.insert_only import ImmutableRecordError
from hengyang_award.core.models import AuditLog, ScoringItem
from tests.factories import World, complete_application, make_cycle, tiny_pdf

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def _section_url(case: Case, section: str) -> str:
    return reverse("applications:application_section", args=[case.pk, section])


def _upload_url(case: Case) -> str:
    return reverse("applications:attachment_upload", args=[case.pk])


def _download_url(attachment: Attachment) -> str:
    return reverse("applications:attachment_download", args=[attachment.case_id, attachment.pk])


def _remove_url(attachment: Attachment) -> str:
    return reverse("applications:attachment_remove", args=[attachment.case_id, attachment.pk])


def _upload(client, case: Case, name: str, content: bytes, kind: str = "business_licence"):
    return client.post(
        _upload_url(case),
        {
            "kind": kind,
            "confidentiality": "none",
            "description": "",
            "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
        },
    )


def _stored_files(case: Case) -> list[str]:
    """Every file stored under the case's folder in MEDIA_ROOT, relative to it."""
    folder = Path(settings.MEDIA_ROOT) / "cases" / str(case.pk)
    if not folder.exists():
        return []
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def _padded_pdf(padding: int) -> bytes:
    """A valid one-page PDF made about `padding` bytes larger by a long metadata value."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Subject": "x" * padding})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _input_tag(html: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', html)[0]


def _audit(action: str) -> list[tuple]:
    return list(
        AuditLog.objects.filter(action=action)
        .order_by("pk")
        .values_list("actor", "object_type", "object_id", "detail")
    )


def _figures(**overrides) -> dict:
    data = {
        f"{key}_{i}": str(100 * i) for key in ("revenue", "profit", "tax", "rnd") for i in (1, 2, 3)
    }
    return {**data, **overrides}


def _attachment(world: World, case: Case, name: str = "营业执照.pdf") -> Attachment:
    return app_services.attachment_upload(
        case.pk,
        by=world.applicant,
        kind=Attachment.Kind.BUSINESS_LICENCE,
        upload=io.BytesIO(tiny_pdf("licence")),
        name=name,
    )


# --- Section pages: who may see and change them (AC-1) ---------------------------------


@pytest.mark.parametrize("section", SECTION_KEYS)
def test_application_section_get_by_applicant_is_200(client, world, section):
    case = world.new_case()
    client.force_login(world.applicant)

    response = client.get(_section_url(case, section))

    assert response.status_code == 200
    assert response.context["editable"] is True


def test_application_section_get_by_other_organisation_is_404_for_every_section(client, world):
    case = world.new_case()
    client.force_login(world.other_applicant)

    statuses = [client.get(_section_url(case, section)).status_code for section in SECTION_KEYS]

    assert statuses == [404] * len(SECTION_KEYS)


def test_application_section_unknown_section_is_404(client, world):
    case = world.new_case()
    client.force_login(world.applicant)

    response = client.get(_section_url(case, "secrets"))

    assert response.status_code == 404


def test_application_section_get_by_county_after_submission_is_read_only(client, world):
    case = world.drive(world.new_case(), ["submit"])
    client.force_login(world.county)

    response = client.get(_section_url(case, "basic"))

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["editable"] is False
    assert " disabled" in _input_tag(html, "employees")
    assert "现为只读" in html
    assert "保存本部分" not in html


def test_application_section_post_by_county_is_403_and_changes_nothing(client, world):
    case = world.drive(world.new_case(), ["submit"])
    saves = len(_audit("application.section_save"))
    client.force_login(world.county)

    response = client.post(
        _section_url(case, "basic"), {"employees": "1", "main_products": "县里改的"}
    )

    stored = ApplicationForm.objects.get(case=case)
    assert response.status_code == 403
    assert (stored.employees, stored.main_products) == (320, "工程机械及零部件")
    assert len(_audit("application.section_save")) == saves


def test_application_section_invalid_post_by_county_is_403(client, world):
    # AC-1: right object, wrong role → 403 on POST too, whatever the data.
    case = world.drive(world.new_case(), ["submit"])
    client.force_login(world.county)

    response = client.post(_section_url(case, "basic"), {"employees": "-1"})

    assert response.status_code == 403
    assert ApplicationForm.objects.get(case=case).employees == 320


def test_application_section_get_by_county_before_submission_is_404(client, world):
    case = world.new_case()
    client.force_login(world.county)

    response = client.get(_section_url(case, "basic"))

    assert response.status_code == 404


# --- Section saves --------------------------------------------------------------------


def test_application_section_basic_valid_post_saves_and_audits(client, world):
    case = world.new_case()
    client.force_login(world.applicant)

    response = client.post(
        _section_url(case, "basic"), {"employees": "250", "main_products": "  工程机械  "}
    )

    stored = ApplicationForm.objects.get(case=case)
    assert response.status_code == 302
    assert response.url == _section_url(case, "basic")
    assert (stored.employees, stored.main_products) == (250, "工程机械")
    assert list(stored.saved_sections) == ["basic"]
    assert datetime.datetime.fromisoformat(stored.saved_sections["basic"]) <= timezone.now()
    assert _audit("application.section_save") == [
        (world.applicant.pk, "applications.Case", str(case.pk), {"section": "basic"})
    ]


def test_application_section_extra_fields_change_nothing(client, world):
    case = world.new_case()
    client.force_login(world.applicant)

    client.post(
        _section_url(case, "basic"),
        {
            "employees": "10",
            "main_products": "产品",
            "state": "awarded",
            "organization": world.other_org.pk,
            "pledge_signer": "伪造",
        },
    )

    case.refresh_from_db()
    stored = ApplicationForm.objects.get(case=case)
    assert (case.state, case.organisation_id, stored.pledge_signer) == ("draft", world.org.pk, "")


def test_application_section_figures_negative_revenue_rerendered_with_error(client, world):
    case = world.new_case()
    client.force_login(world.applicant)

    response = client.post(_section_url(case, "figures"), _figures(revenue_1="-5", tax_2="123.45"))

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].errors == {"revenue_1": ["确保该值大于或等于0。"]}
    assert "确保该值大于或等于0。" in html
    assert 'value="-5"' in _input_tag(html, "revenue_1")
    assert 'value="123.45"' in _input_tag(html, "tax_2")
    assert not ApplicationForm.objects.filter(case=case).exists()


def test_application_section_figures_negative_profit_accepted(client, world):
    case = world.new_case()
    client.force_login(world.applicant)

    response = client.post(_section_url(case, "figures"), _figures(profit_1="-350.50"))

    stored = ApplicationForm.objects.get(case=case)
    assert response.status_code == 302
    assert stored.figures["profit"] == ["-350.50", "200", "300"]
    assert stored.quality_indicators == []


def test_application_section_figures_partial_quality_indicator_refused(client, world):
    case = world.new_case()
    client.force_login(world.applicant)

    response = client.post(
        _section_url(case, "figures"), _figures(qi_1_name="一次交验合格率", qi_1_unit="%")
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "qi_1_name": ["请完整填写该质量指标的名称、单位和三年数值，或全部留空。"]
    }
    assert not ApplicationForm.objects.filter(case=case).exists()


def test_application_section_systems_expiry_before_issue_refused(client, world):
    case = world.new_case()
    client.force_login(world.applicant)

    response = client.post(
        _section_url(case, "systems"),
        {"iso9001_issued_on": "2024-06-10", "iso9001_expires_on": "2024-06-10"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "iso9001_expires_on": ["有效期截止日期必须晚于发证日期。"]
    }
    assert "有效期截止日期必须晚于发证日期。" in response.content.decode()
    assert not ApplicationForm.objects.filter(case=case).exists()


def test_application_section_systems_issue_date_in_future_refused(client, world):
    case = world.new_case()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    client.force_login(world.applicant)

    response = client.post(
        _section_url(case, "systems"),
        {"iso14001_issued_on": tomorrow.isoformat(), "cqo_appointed_on": tomorrow.isoformat()},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "iso14001_issued_on": ["日期不能晚于今天。"],
        "cqo_appointed_on": ["日期不能晚于今天。"],
    }
    assert not ApplicationForm.objects.filter(case=case).exists()


def test_application_section_declarations_no_without_description_refused(client, world):
    case = world.new_case()
    client.force_login(world.applicant)

    response = client.post(
        _section_url(case, "declarations"),
        {"credit_good": "True", "no_major_accident": "False", "no_violation": "True"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "accident_description": ["选择“否”时必须说明具体情况。"]
    }
    assert not ApplicationForm.objects.filter(case=case).exists()


def test_application_section_declarations_no_with_description_saved(client, world):
    case = world.new_case()
    client.force_login(world.applicant)

    response = client.post(
        _section_url(case, "declarations"),
        {
            "credit_good": "True",
            "no_major_accident": "False",
            "accident_description": "2023年发生一般质量事故，已整改。",
            "no_violation": "True",
        },
    )

    stored = ApplicationForm.objects.get(case=case)
    assert response.status_code == 302
    assert (stored.credit_good, stored.no_major_accident, stored.accident_description) == (
        True,
        False,
        "2023年发生一般质量事故，已整改。",
    )


def test_application_section_assessment_overview_over_limit_refused_and_kept(client):
    world = World(cycle=make_cycle(overview_char_limit=50))
    case = world.new_case()
    overview = "质" * 51
    client.force_login(world.applicant)

    response = client.post(_section_url(case, "assessment"), {"overview": overview})

    assert response.status_code == 200
    assert response.context["form"].errors == {"overview": ["组织概述不能超过50字（当前51字）。"]}
    assert overview in response.content.decode()
    assert not ApplicationForm.objects.filter(case=case).exists()


def test_application_section_assessment_total_over_limit_refused(client):
    world = World(cycle=make_cycle(self_assessment_char_limit=100))
    case = world.new_case()
    client.force_login(world.applicant)

    response = client.post(
        _section_url(case, "assessment"),
        {"overview": "概述", "item_4_1_2_text": "方" * 60, "item_4_1_3_text": "法" * 41},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "自我评价各评分项合计不能超过100字，当前101字。"
    ]
    assert "自我评价各评分项合计不能超过100字，当前101字。" in html
    assert "方" * 60 in html
    assert not ApplicationForm.objects.filter(case=case).exists()


def test_application_section_pledge_wrong_signer_refused_naming_representative(client, world):
    case = world.new_case()
    client.force_login(world.applicant)

    response = client.post(_section_url(case, "pledge"), {"signer": "李四", "agree": "on"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "signer": [
            "签名应与登记的法定代表人“张三”一致；如法定代表人已变更，请先联系评审办更新组织信息。"
        ]
    }
    assert not ApplicationForm.objects.filter(case=case).exists()


def test_application_section_pledge_by_representative_signed(client, world):
    case = world.new_case()
    before = timezone.now()
    client.force_login(world.applicant)

    response = client.post(_section_url(case, "pledge"), {"signer": " 张三 ", "agree": "on"})

    stored = ApplicationForm.objects.get(case=case)
    assert response.status_code == 302
    assert stored.pledge_signer == "张三"
    assert before <= stored.pledge_agreed_at <= timezone.now()
    assert _audit("application.pledge_sign") == [
        (world.applicant.pk, "applications.Case", str(case.pk), {"signer": "张三"})
    ]


# --- Completeness -----------------------------------------------------------------------


def test_application_missing_new_case_says_form_not_filled(world):
    case = world.new_case()

    missing = application_missing(case)

    assert [(m.section, m.field, m.message) for m in missing] == [("basic", "", "申报表尚未填写。")]


def test_application_missing_after_one_section_lists_each_other_item(world):
    case = world.new_case()
    app_services.application_section_save(
        case.pk, "basic", by=world.applicant, data={"employees": 10, "main_products": "产品"}
    )

    missing = application_missing(case)

    outside_assessment = [
        (m.section, m.field, m.message) for m in missing if m.section != "assessment"
    ]
    assert outside_assessment == [
        ("figures", "revenue_1", "请填写近三年的营业收入（万元）。"),
        ("figures", "profit_1", "请填写近三年的利润总额（万元）。"),
        ("figures", "tax_1", "请填写近三年的纳税总额（万元）。"),
        ("figures", "rnd_1", "请填写近三年的研发投入（万元）。"),
        (
            "systems",
            "iso9001_number",
            "请完整填写质量管理体系（ISO 9001 / GB/T 19001）认证证书信息。",
        ),
        ("systems", "iso14001_number", "请完整填写环境管理体系（ISO 14001）认证证书信息。"),
        ("systems", "iso45001_number", "请完整填写职业健康安全管理体系（ISO 45001）认证证书信息。"),
        ("systems", "cqo_name", "请填写首席质量官的姓名、职务和任命日期。"),
        ("systems", "excellence_model_usage", "请说明推行卓越绩效管理模式的情况。"),
        ("declarations", "credit_good", "请声明诚信记录情况。"),
        ("declarations", "no_major_accident", "请声明近三年是否发生较大及以上责任事故。"),
        ("declarations", "no_violation", "请声明近三年是否存在违法违规行为。"),
        ("attachments", "kind", "请上传：营业执照。"),
        ("attachments", "kind", "请上传：质量管理体系认证证书。"),
        ("attachments", "kind", "请上传：环境管理体系认证证书。"),
        ("attachments", "kind", "请上传：职业健康安全管理体系认证证书。"),
        ("attachments", "kind", "请上传：首席质量官任命文件。"),
        ("attachments", "kind", "请上传：经审计的财务报表。"),
        ("attachments", "kind", "请上传：签字盖章的诚信承诺书。"),
        ("pledge", "pledge_signer", "请由法定代表人签署诚信承诺。"),
    ]
    assessment = [m.message for m in missing if m.section == "assessment"]
    assert assessment[0] == "请填写组织概述。"
    assert assessment[1] == "请完成评分项 4.1.2 高层领导的作用 的自我评价。"
    assert len(assessment) == 1 + ScoringItem.objects.count()


def test_application_missing_complete_application_is_empty(world):
    case = world.new_case()
    complete_application(case, by=world.applicant)

    missing = application_missing(case)

    assert missing == []


def test_case_action_submit_incomplete_shows_reason_and_stays_draft(client, world):
    case = world.new_case()
    client.force_login(world.applicant)

    response = client.post(
        reverse("applications:case_action", args=[case.pk, "submit"]),
        {"submit-note": "", "submit-expected_state": "draft"},
    )

    assert response.status_code == 200
    assert "申报材料尚不完整，请先补齐“完整性检查”中列出的内容。" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == "draft"
    assert not ApplicationSnapshot.objects.filter(case=case).exists()


# --- Read-only after submission, editable again when returned ------------------------


def test_application_section_save_on_submitted_case_raises_transition_blocked(world):
    case = world.drive(world.new_case(), ["submit"])

    with pytest.raises(services.TransitionBlocked) as exc:
        app_services.application_section_save(
            case.pk, "basic", by=world.applicant, data={"employees": 1, "main_products": "改"}
        )

    assert exc.value.reasons == ["申报材料已提交，当前状态为“已提交，待县市区推荐”，不能修改。"]
    assert ApplicationForm.objects.get(case=case).employees == 320


def test_application_section_post_on_submitted_case_shows_refusal_and_keeps_data(client, world):
    case = world.drive(world.new_case(), ["submit"])
    client.force_login(world.applicant)

    response = client.post(
        _section_url(case, "basic"), {"employees": "1", "main_products": "提交后偷改"}
    )

    stored = ApplicationForm.objects.get(case=case)
    # AC-1: right object, wrong state → 403, with the reason on the page.
    assert response.status_code == 403
    assert "不能修改" in response.content.decode()
    assert (stored.employees, stored.main_products) == (320, "工程机械及零部件")


def test_application_section_returned_case_shows_return_note_on_top_and_is_editable(client, world):
    case = world.drive(world.new_case(), ["submit"])
    services.case_transition(
        case.pk, "return_to_applicant", by=world.county, note="请补充ISO 14001证书扫描件。"
    )
    client.force_login(world.applicant)

    response = client.get(_section_url(case, "basic"))

    html = response.content.decode()
    assert response.status_code == 200
    assert (response.context["editable"], response.context["returned_note"]) == (
        True,
        "请补充ISO 14001证书扫描件。",
    )
    assert html.index("请补充ISO 14001证书扫描件。") < html.index('name="employees"')
    assert " disabled" not in _input_tag(html, "employees")


def test_application_section_returned_case_post_saves(client, world):
    case = world.drive(world.new_case(), ["submit", "return_to_applicant"])
    client.force_login(world.applicant)

    response = client.post(_section_url(case, "basic"), {"employees": "330", "main_products": "改"})

    stored = ApplicationForm.objects.get(case=case)
    assert response.status_code == 302
    assert (stored.employees, stored.main_products) == (330, "改")


# --- Uploads (FI-1, FI-2) ----------------------------------------------------------------


def test_attachment_upload_valid_pdf_stored_under_generated_name(client, world):
    case = world.new_case()
    content = tiny_pdf("营业执照")
    client.force_login(world.applicant)

    response = _upload(client, case, "我的营业执照.pdf", content)

    attachment = Attachment.objects.get(case=case)
    assert response.status_code == 302
    assert response.url == _section_url(case, "attachments")
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert (attachment.original_name, attachment.mime, attachment.size) == (
        "我的营业执照.pdf",
        "application/pdf",
        len(content),
    )
    assert re.fullmatch(rf"cases/{case.pk}/files/[0-9a-f]{{32}}\.pdf", attachment.file.name)
    assert Path(attachment.file.path).read_bytes() == content
    assert _audit("file.upload") == [
        (
            world.applicant.pk,
            "applications.Attachment",
            str(attachment.pk),
            {
                "case": case.pk,
                "kind": "business_licence",
                "confidentiality": "none",
                "sha256": attachment.sha256,
            },
        )
    ]


def test_attachment_upload_html_named_pdf_refused_and_nothing_stored(client, world):
    case = world.new_case()
    before = _stored_files(case)
    client.force_login(world.applicant)

    response = _upload(client, case, "x.pdf", HTML)

    assert response.status_code == 400
    assert response.context["upload_form"].errors == {
        "file": [
            "文件名显示为 PDF，但文件内容不是 PDF 文件（可能只是改了扩展名）。"
            "请用原程序重新导出为 PDF 后再上传。"
        ]
    }
    assert "可能只是改了扩展名" in response.content.decode()
    assert not Attachment.objects.filter(case=case).exists()
    assert _stored_files(case) == before
    assert _audit("file.upload") == []


def test_attachment_upload_over_file_limit_refused_for_size_before_type(client):
    world = World(cycle=make_cycle(file_size_limit_mb=1))
    case = world.new_case()
    before = _stored_files(case)
    client.force_login(world.applicant)

    response = _upload(client, case, "大文件.pdf", b"%PDF-1.7\n" + b"%" * (MIB - 8))

    assert response.status_code == 400
    assert response.context["upload_form"].errors == {
        "file": ["文件超过大小上限（1.0\xa0MB），请压缩或拆分后再上传。"]
    }
    assert not Attachment.objects.filter(case=case).exists()
    assert _stored_files(case) == before


def test_attachment_upload_over_case_total_refused(client):
    world = World(cycle=make_cycle(file_size_limit_mb=1, case_size_limit_mb=1))
    case = world.new_case()
    content = _padded_pdf(600 * 1024)
    client.force_login(world.applicant)
    first = _upload(client, case, "财务报表一.pdf", content, kind="financial_statements")
    before = _stored_files(case)

    second = _upload(client, case, "财务报表二.pdf", content, kind="financial_statements")

    assert first.status_code == 302
    assert second.status_code == 400
    assert second.context["upload_form"].errors == {
        "file": ["本申报的材料总量将超过上限（1 MB），请压缩或删除不需要的文件。"]
    }
    assert list(Attachment.objects.filter(case=case).values_list("original_name", flat=True)) == [
        "财务报表一.pdf"
    ]
    assert _stored_files(case) == before


def test_attachment_upload_to_submitted_case_refused_and_nothing_stored(client, world):
    case = world.drive(world.new_case(), ["submit"])
    count = Attachment.objects.filter(case=case).count()
    before = _stored_files(case)
    client.force_login(world.applicant)

    response = _upload(client, case, "补充.pdf", tiny_pdf(), kind="other")

    assert response.status_code == 400
    assert "不能修改" in response.content.decode()
    assert Attachment.objects.filter(case=case).count() == count
    assert _stored_files(case) == before


def test_attachment_upload_recommendation_scan_kind_not_offered_to_applicant(client, world):
    case = world.new_case()
    client.force_login(world.applicant)

    response = _upload(client, case, "推荐.pdf", tiny_pdf(), kind="recommendation_scan")

    assert response.status_code == 400
    assert list(response.context["upload_form"].errors) == ["kind"]
    assert not Attachment.objects.filter(case=case).exists()


def test_attachment_upload_get_not_allowed(client, world):
    case = world.new_case()
    client.force_login(world.applicant)

    response = client.get(_upload_url(case))

    assert response.status_code == 405


# --- Downloads (FI-2, FI-3, FI-4) ------------------------------------------------------


def test_attachment_download_by_applicant_is_attachment_with_safe_headers(client, world):
    case = world.new_case()
    attachment = _attachment(world, case)
    client.force_login(world.applicant)

    response = client.get(_download_url(attachment))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == tiny_pdf("licence")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"file.pdf\"; filename*=UTF-8''"
        "%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7.pdf"
    )
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert _audit("file.download") == [
        (
            world.applicant.pk,
            "applications.Attachment",
            str(attachment.pk),
            {"confidentiality": "none"},
        )
    ]


def test_attachment_download_by_own_county_after_submission_is_200(client, world):
    case = world.drive(world.new_case(), ["submit"])
    attachment = Attachment.objects.filter(case=case).first()
    client.force_login(world.county)

    response = client.get(_download_url(attachment))

    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == attachment.sha256


def test_attachment_download_by_foreign_county_is_404_and_audited(client, world):
    case = world.drive(world.new_case(), ["submit"])
    attachment = Attachment.objects.filter(case=case).first()
    client.force_login(world.other_county)

    response = client.get(_download_url(attachment))

    assert response.status_code == 404
    assert list(
        AuditLog.objects.filter(action="file.download_denied").values_list("actor", "ip", "detail")
    ) == [(world.other_county.pk, "127.0.0.1", {"case": case.pk, "attachment": attachment.pk})]
    assert _audit("file.download") == []


def test_attachment_download_of_other_cases_file_through_own_case_is_404(client, world):
    case = world.new_case()
    theirs = services.case_create(
        cycle=world.cycle, organisation=world.other_org, by=world.other_applicant
    )
    foreign = app_services.attachment_upload(
        theirs.pk,
        by=world.other_applicant,
        kind="other",
        upload=io.BytesIO(tiny_pdf()),
        name="别人的.pdf",
    )
    client.force_login(world.applicant)

    response = client.get(reverse("applications:attachment_download", args=[case.pk, foreign.pk]))

    assert response.status_code == 404
    assert _audit("file.download") == []


def test_attachment_download_corrupted_file_is_500_and_audited(client, world):
    case = world.new_case()
    attachment = _attachment(world, case)
    Path(attachment.file.path).write_bytes(tiny_pdf("tampered"))
    client.force_login(world.applicant)

    response = client.get(_download_url(attachment))

    assert response.status_code == 500
    assert b"tampered" not in response.content
    assert _audit("file.corrupt") == [
        (world.applicant.pk, "applications.Attachment", str(attachment.pk), {})
    ]
    assert _audit("file.download") == []


# --- Removal ------------------------------------------------------------------------------


def test_attachment_remove_post_marks_removed_and_audits(client, world):
    case = world.new_case()
    attachment = _attachment(world, case)
    client.force_login(world.applicant)

    response = client.post(_remove_url(attachment))

    attachment.refresh_from_db()
    assert response.status_code == 302
    assert response.url == _section_url(case, "attachments")
    assert attachment.removed_at is not None
    assert Path(attachment.file.path).exists()
    assert _audit("file.remove") == [
        (world.applicant.pk, "applications.Attachment", str(attachment.pk), {"case": case.pk})
    ]


def test_attachment_remove_get_not_allowed(client, world):
    case = world.new_case()
    attachment = _attachment(world, case)
    client.force_login(world.applicant)

    response = client.get(_remove_url(attachment))

    attachment.refresh_from_db()
    assert response.status_code == 405
    assert attachment.removed_at is None


def test_attachment_remove_on_submitted_case_is_403(client, world):
    case = world.drive(world.new_case(), ["submit"])
    attachment = Attachment.objects.filter(case=case).first()
    client.force_login(world.applicant)

    response = client.post(_remove_url(attachment))

    attachment.refresh_from_db()
    assert response.status_code == 403
    assert attachment.removed_at is None


# --- Snapshots ---------------------------------------------------------------------------


def test_case_submit_takes_snapshot_of_round_one(world):
    case = world.new_case()
    complete_application(case, by=world.applicant)

    services.case_transition(case.pk, "submit", by=world.applicant)

    snapshot = ApplicationSnapshot.objects.get(case=case)
    attachments = Attachment.objects.filter(case=case).order_by("kind", "pk")
    assert snapshot.round == 1
    assert snapshot.data["form"]["employees"] == ApplicationForm.objects.get(case=case).employees
    assert [(a["id"], a["kind"], a["sha256"]) for a in snapshot.data["attachments"]] == [
        (a.pk, a.kind, a.sha256) for a in attachments
    ]
    assert snapshot.sha256 == ApplicationSnapshot.digest(snapshot.data)


def test_case_resubmit_after_return_keeps_round_one_and_adds_round_two(world):
    case = world.drive(world.new_case(), ["submit", "return_to_applicant"])
    first = ApplicationSnapshot.objects.get(case=case, round=1)
    frozen = (first.data, first.sha256)
    app_services.application_section_save(
        case.pk, "basic", by=world.applicant, data={"employees": 999, "main_products": "新产品"}
    )
    licence = Attachment.objects.get(case=case, kind="business_licence")
    app_services.attachment_remove(case.pk, licence.pk, by=world.applicant)
    _attachment(world, case, name="新营业执照.pdf")

    services.case_transition(case.pk, "submit", by=world.applicant)

    first.refresh_from_db()
    second = ApplicationSnapshot.objects.get(case=case, round=2)
    assert (first.data, first.sha256) == frozen
    assert first.data["form"]["employees"] == 320
    assert second.data["form"]["employees"] == 999
    assert [a["name"] for a in second.data["attachments"] if a["kind"] == "business_licence"] == [
        "新营业执照.pdf"
    ]
    assert list(
        ApplicationSnapshot.objects.filter(case=case)
        .order_by("round")
        .values_list("round", flat=True)
    ) == [1, 2]


def test_application_snapshot_orm_update_refused(world):
    case = world.drive(world.new_case(), ["submit"])
    snapshot = ApplicationSnapshot.objects.get(case=case)

    snapshot.data = {"form": {"employees": 1}}
    with pytest.raises(ImmutableRecordError):
        snapshot.save()
    with pytest.raises(ImmutableRecordError):
        ApplicationSnapshot.objects.filter(pk=snapshot.pk).update(data={})
    with pytest.raises(ImmutableRecordError):
        snapshot.delete()

    assert ApplicationSnapshot.objects.get(pk=snapshot.pk).data["form"]["employees"] == 320


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE applications_applicationsnapshot SET data = '{}'::jsonb",
        "DELETE FROM applications_applicationsnapshot",
    ],
)
def test_application_snapshot_raw_sql_change_refused_by_trigger(world, sql):
    case = world.drive(world.new_case(), ["submit"])

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)

    snapshot = ApplicationSnapshot.objects.get(case=case)
    assert snapshot.data["form"]["employees"] == 320


def test_client_without_csrf_token_cannot_save_section(world):
    case = world.new_case()
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.applicant)

    response = client.post(_section_url(case, "basic"), {"employees": "5", "main_products": "x"})

    assert response.status_code == 403
    assert not ApplicationForm.objects.filter(case=case).exists()
