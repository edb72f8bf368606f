"""Notices of every kind (公示, 公告, 撤销公告): drafted, made public, rendered to PDF."""

import datetime
import hashlib
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hengyang_award.core.models import AwardCycle, User
from hengyang_award.core.services import audit_log_write
from hengyang_award.jobs.outbox import outbox_enqueue

from ..cache import public_cache_bump
from ..models import Notice


def notice_body_clean(body: dict[str, Any]) -> dict[str, Any]:
    """The body in the documented structure: lists of strings, and an optional
    table whose rows have as many cells as the head."""
    paragraphs = [str(p).strip() for p in body.get("paragraphs", []) if str(p).strip()]
    closing = [str(p).strip() for p in body.get("closing", []) if str(p).strip()]
    clean: dict[str, Any] = {"paragraphs": paragraphs, "closing": closing}
    table = body.get("table")
    if table:
        head = [str(cell) for cell in table.get("head", [])]
        rows = [[str(cell) for cell in row] for row in table.get("rows", [])]
        if any(len(row) != len(head) for row in rows):
            raise ValidationError(_("公告表格每一行的列数必须与表头一致。"))
        clean["table"] = {"head": head, "rows": rows}
    if not paragraphs and not clean.get("table"):
        raise ValidationError(_("公告正文不能为空。"))
    return clean


@transaction.atomic
def notice_draft(
    *,
    cycle: AwardCycle,
    kind: str,
    title: str,
    body: dict[str, Any],
    issuer: str,
    number: str = "",
    issued_on: datetime.date | None = None,
    by: User,
    cases=(),
) -> Notice:
    """A draft notice (not public until `notice_make_public`)."""
    if kind not in Notice.Kind.values:
        raise ValidationError(_("未知的公告类别。"))
    if not title.strip() or not issuer.strip():
        raise ValidationError(_("公告标题和发布机关不能为空。"))
    notice = Notice.objects.create(
        cycle=cycle,
        kind=kind,
        title=title.strip(),
        body=notice_body_clean(body),
        issuer=issuer.strip(),
        number=number.strip(),
        issued_on=issued_on,
        created_by=by,
    )
    if cases:
        notice.cases.set(cases)
    audit_log_write("notice.draft", actor=by, obj=notice, kind=kind, cycle=cycle.number)
    return notice


@transaction.atomic
def notice_update(notice_id: int, *, by: User, **values: Any) -> Notice:
    """Change a draft (title, body, number, issued_on, issuer, period…); a published
    notice is read-only."""
    notice = Notice.objects.select_for_update().get(pk=notice_id)
    if notice.is_published:
        raise ValidationError(_("公告已发布，不能修改。"))
    cases = values.pop("cases", None)
    if "body" in values:
        values["body"] = notice_body_clean(values["body"])
    for field, value in values.items():
        setattr(notice, field, value)
    notice.save(update_fields=list(values))
    if cases is not None:
        notice.cases.set(cases)
    audit_log_write("notice.update", actor=by, obj=notice, fields=sorted(values))
    return notice


@transaction.atomic
def notice_make_public(notice_id: int, *, by: User, **audit: Any) -> Notice:
    """Publish a draft: it becomes read-only and public, its PDF is rendered by a
    worker after commit, and the public pages' cache is invalidated. Publishing a
    published notice changes nothing."""
    notice = Notice.objects.select_for_update().get(pk=notice_id)
    if notice.is_published:
        return notice
    notice.published_at = timezone.now()
    notice.published_by = by
    if notice.issued_on is None:
        notice.issued_on = timezone.localdate(notice.published_at)
    notice.save(update_fields=["published_at", "published_by", "issued_on"])
    audit_log_write(
        "notice.publish", actor=by, obj=notice, kind=notice.kind, title=notice.title, **audit
    )
    outbox_enqueue("pdf.render_notice", dedupe_key=f"notice:{notice.pk}", notice_id=notice.pk)
    transaction.on_commit(public_cache_bump)
    return notice


def notice_render(notice_id: int) -> Notice:
    """Render and store a published notice's PDF unless stored already. Rendering
    runs outside any transaction; storing is under the notice's lock."""
    from ..pdf import render_notice

    notice = Notice.objects.select_related("cycle").get(pk=notice_id)
    if notice.file or not notice.is_published:
        return notice
    content = render_notice(notice)
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice_id)
        if notice.file:
            return notice
        notice.file = default_storage.save(f"notices/{uuid.uuid4().hex}.pdf", ContentFile(content))
        notice.sha256 = hashlib.sha256(content).hexdigest()
        notice.size = len(content)
        notice.save(update_fields=["file", "sha256", "size"])
    return notice
