import datetime
import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from hengyang_award.core.models import AuditLog
from hengyang_award.jobs.models import OutboxMessage
from publicity.cache import public_cache_version
from publicity.models import Notice
from publicity.services import notice_draft, notice_make_public, notice_render, notice_update

BODY = {
    "paragraphs": ["根据《衡阳市市长质量奖管理办法》第十条，现将有关事项公告如下。"],
    "table": {"head": ["序号", "组织名称"], "rows": [["1", "衡阳示例装备制造有限公司"]]},
    "closing": ["联系电话：0734-8868000"],
}


def _draft(world, **overrides) -> Notice:
    values = {
        "cycle": world.cycle,
        "kind": Notice.Kind.ANNOUNCEMENT,
        "title": "关于授予衡阳示例装备制造有限公司第1届衡阳市市长质量奖的决定",
        "body": BODY,
        "issuer": "衡阳市人民政府",
        "number": "衡政发〔2026〕12号",
        "issued_on": datetime.date(2026, 11, 20),
        "by": world.office,
        **overrides,
    }
    return notice_draft(**values)


@pytest.mark.django_db
def test_notice_draft_valid_body_stored_unpublished_and_audited(world):
    notice = _draft(world)

    assert notice.is_published is False
    assert notice.body == BODY
    assert list(
        AuditLog.objects.filter(action="notice.draft").values_list("object_id", flat=True)
    ) == [str(notice.pk)]


@pytest.mark.django_db
def test_notice_draft_ragged_table_refused(world):
    body = {**BODY, "table": {"head": ["序号", "组织名称"], "rows": [["1"]]}}

    with pytest.raises(ValidationError):
        _draft(world, body=body)


@pytest.mark.django_db
def test_notice_make_public_sets_publisher_queues_render_and_bumps_cache(
    world, django_capture_on_commit_callbacks
):
    notice = _draft(world, issued_on=None)
    version = public_cache_version()

    with django_capture_on_commit_callbacks(execute=True):
        published = notice_make_public(notice.pk, by=world.office)

    assert published.published_by == world.office
    assert published.issued_on is not None
    assert list(
        OutboxMessage.objects.filter(task="pdf.render_notice").values_list("kwargs", flat=True)
    ) == [{"notice_id": notice.pk}]
    assert public_cache_version() == version + 1
    assert AuditLog.objects.filter(action="notice.publish", object_id=str(notice.pk)).count() == 1


@pytest.mark.django_db
def test_notice_make_public_twice_changes_nothing(world):
    notice = notice_make_public(_draft(world).pk, by=world.office)

    again = notice_make_public(notice.pk, by=world.mayor)

    assert again.published_at == notice.published_at
    assert again.published_by == world.office
    assert OutboxMessage.objects.filter(task="pdf.render_notice").count() == 1


@pytest.mark.django_db
def test_notice_update_published_refused(world):
    notice = notice_make_public(_draft(world).pk, by=world.office)

    with pytest.raises(ValidationError):
        notice_update(notice.pk, by=world.office, title="改过的标题")


@pytest.mark.django_db
def test_notice_render_stores_pdf_with_checksum_once(world):
    notice = notice_make_public(_draft(world).pk, by=world.office)

    rendered = notice_render(notice.pk)
    again = notice_render(notice.pk)

    content = rendered.file.open("rb").read()
    assert rendered.sha256 == hashlib.sha256(content).hexdigest()
    assert rendered.size == len(content)
    assert again.file.name == rendered.file.name


@pytest.mark.django_db
def test_notice_render_draft_not_rendered(world):
    notice = _draft(world)

    assert notice_render(notice.pk).file.name in ("", None)


@pytest.mark.django_db
def test_render_notice_pdf_text_is_the_notice_in_chinese(world):
    from publicity.pdf import render_notice

    notice = _draft(world)

    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(render_notice(notice))).pages
    )

    compact = "".join(text.split())
    assert "关于授予衡阳示例装备制造有限公司第1届衡阳市市长质量奖的决定" in compact
    assert "衡政发〔2026〕12号" in compact
    assert "衡阳示例装备制造有限公司" in compact
    assert "联系电话：0734-8868000" in compact
    assert "2026年11月20日" in compact
    assert "衡阳市人民政府" in compact
