"""The minutes of a meeting (会议纪要): rendered by a worker after the resolution
is adopted, stored once under a generated name with its SHA-256."""

import hashlib
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from ..models import Meeting, Minutes


def minutes_render(meeting_id: int) -> Minutes:
    """Render and store the meeting's minutes unless they exist. Rendering runs
    outside any transaction; a failure leaves nothing behind (the task retries)."""
    from ..pdf import render_minutes

    existing = Minutes.objects.filter(meeting_id=meeting_id).first()
    if existing:
        return existing
    meeting = Meeting.objects.select_related("cycle").get(pk=meeting_id)
    content = render_minutes(meeting)
    with transaction.atomic():
        Meeting.objects.select_for_update().get(pk=meeting_id)
        existing = Minutes.objects.filter(meeting_id=meeting_id).first()
        if existing:
            return existing
        name = default_storage.save(
            f"committee/{meeting.pk}/{uuid.uuid4().hex}.pdf", ContentFile(content)
        )
        return Minutes.objects.create(
            meeting=meeting,
            file=name,
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
        )
