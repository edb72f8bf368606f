"""Writes on the application file: section saves, evidence uploads, the integrity
pledge, and the snapshot taken at submission."""

import uuid
from typing import BinaryIO

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from hengyang_award.core.jsonable import jsonable
from hengyang_award.core.models import User
from hengyang_award.core.services import audit_log_write

from .. import files
from ..models import ApplicationForm, ApplicationSnapshot, Attachment, Case
from ..workflow import CaseState
from .cases import TransitionBlocked

EDITABLE_STATES = (CaseState.DRAFT, CaseState.RETURNED)
MEBIBYTE = 1024 * 1024


def _editable_case(case_id: int, *, by: User) -> Case:
    """Lock the case and check the applicant may still change its file."""
    case = Case.objects.select_for_update().select_related("cycle", "organisation").get(pk=case_id)
    if not by.has_perm("applications.change_case", case):
        raise PermissionDenied(_("您没有修改此申报材料的权限。"))
    if case.state not in EDITABLE_STATES:
        raise TransitionBlocked(
            case,
            "edit",
            [
                _("申报材料已提交，当前状态为“%(state)s”，不能修改。")
                % {"state": case.get_state_display()}
            ],
        )
    return case


# Which model fields each section's cleaned data may set; JSON sections are
# written whole.
SECTION_FIELDS = {
    "basic": ("employees", "main_products"),
    "figures": ("figures", "quality_indicators"),
    "systems": (
        "certificates",
        "cqo_name",
        "cqo_post",
        "cqo_appointed_on",
        "excellence_model_usage",
    ),
    "declarations": (
        "credit_good",
        "credit_note",
        "no_major_accident",
        "accident_description",
        "no_violation",
        "violation_description",
    ),
    "assessment": ("overview", "self_assessment"),
}


@transaction.atomic
def application_section_save(
    case_id: int, section: str, *, by: User, data: dict
) -> ApplicationForm:
    """Save one section of the working copy (validated by the section's form)."""
    if section not in SECTION_FIELDS:
        raise ValueError(section)
    case = _editable_case(case_id, by=by)
    form, _created = ApplicationForm.objects.get_or_create(case=case)
    for field in SECTION_FIELDS[section]:
        value = data[field]
        setattr(
            form,
            field,
            jsonable(value)
            if field in {"figures", "quality_indicators", "certificates", "self_assessment"}
            else value,
        )
    form.saved_sections = {**form.saved_sections, section: timezone.now().isoformat()}
    form.save()
    audit_log_write("application.section_save", actor=by, obj=case, section=section)
    return form


@transaction.atomic
def application_pledge_sign(case_id: int, *, by: User, signer: str) -> ApplicationForm:
    case = _editable_case(case_id, by=by)
    form, _created = ApplicationForm.objects.get_or_create(case=case)
    form.pledge_signer = signer.strip()
    form.pledge_agreed_at = timezone.now()
    form.saved_sections = {**form.saved_sections, "pledge": timezone.now().isoformat()}
    form.save()
    audit_log_write("application.pledge_sign", actor=by, obj=case, signer=form.pledge_signer)
    return form


def _store(case: Case, upload: BinaryIO, checked: files.CheckedFile) -> str:
    upload.seek(0)
    extension = files.ALLOWED_TYPES[checked.kind][1][0]
    return default_storage.save(f"cases/{case.pk}/files/{uuid.uuid4().hex}{extension}", upload)


def attachment_store(
    case: Case,
    *,
    by: User,
    kind: str,
    upload: BinaryIO,
    name: str,
    confidentiality: str = Attachment.Confidentiality.NONE,
    description: str = "",
) -> Attachment:
    """Check and store a file for a case (the caller holds the case lock and has
    checked the right to add it). Raises files.FileRejected; nothing is stored then."""
    cycle = case.cycle
    checked = files.check_upload(upload, name=name, max_bytes=cycle.file_size_limit_mb * MEBIBYTE)
    # The case limit is the applicant's; the county's stamped scan does not count.
    used = (
        Attachment.objects.filter(case=case, removed_at=None)
        .exclude(kind=Attachment.Kind.RECOMMENDATION_SCAN)
        .aggregate(total=Sum("size"))["total"]
        or 0
    )
    if (
        kind != Attachment.Kind.RECOMMENDATION_SCAN
        and used + checked.size > cycle.case_size_limit_mb * MEBIBYTE
    ):
        raise files.FileRejected(
            "case_too_large",
            _("本申报的材料总量将超过上限（%(limit)s MB），请压缩或删除不需要的文件。")
            % {"limit": cycle.case_size_limit_mb},
        )
    stored = _store(case, upload, checked)
    attachment = Attachment.objects.create(
        case=case,
        kind=kind,
        confidentiality=confidentiality,
        description=description.strip(),
        file=stored,
        original_name=checked.safe_name,
        mime=checked.mime,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=by,
    )
    audit_log_write(
        "file.upload",
        actor=by,
        obj=attachment,
        case=case.pk,
        kind=kind,
        confidentiality=confidentiality,
        sha256=checked.sha256,
    )
    return attachment


@transaction.atomic
def attachment_upload(
    case_id: int,
    *,
    by: User,
    kind: str,
    upload: BinaryIO,
    name: str,
    confidentiality: str = Attachment.Confidentiality.NONE,
    description: str = "",
) -> Attachment:
    """An applicant adds evidence to the working copy."""
    if kind == Attachment.Kind.RECOMMENDATION_SCAN:
        raise PermissionDenied
    case = _editable_case(case_id, by=by)
    return attachment_store(
        case,
        by=by,
        kind=kind,
        upload=upload,
        name=name,
        confidentiality=confidentiality,
        description=description,
    )


@transaction.atomic
def attachment_remove(case_id: int, attachment_id: int, *, by: User) -> None:
    case = _editable_case(case_id, by=by)
    attachment = Attachment.objects.get(pk=attachment_id, case=case, removed_at=None)
    if attachment.kind == Attachment.Kind.RECOMMENDATION_SCAN:
        raise PermissionDenied
    attachment.removed_at = timezone.now()
    attachment.save(update_fields=["removed_at"])
    audit_log_write("file.remove", actor=by, obj=attachment, case=case.pk)


def application_snapshot_data(case: Case) -> dict:
    form = ApplicationForm.objects.get(case=case)
    org = case.organisation
    return {
        "organisation": {
            "name": org.name,
            "credit_code": org.credit_code,
            "registration_date": org.registration_date.isoformat(),
            "legal_representative": org.legal_representative,
            "address": org.address,
            "county": org.county.name,
            "industry": org.industry,
            "size": org.size,
        },
        "form": {
            field: jsonable(getattr(form, field))
            for fields in SECTION_FIELDS.values()
            for field in fields
        }
        | {
            "pledge_signer": form.pledge_signer,
            "pledge_agreed_at": form.pledge_agreed_at.isoformat()
            if form.pledge_agreed_at
            else None,
        },
        "attachments": [
            {
                "id": a.pk,
                "kind": a.kind,
                "confidentiality": a.confidentiality,
                "description": a.description,
                "name": a.original_name,
                "size": a.size,
                "sha256": a.sha256,
            }
            for a in Attachment.objects.filter(case=case, removed_at=None)
            .exclude(kind=Attachment.Kind.RECOMMENDATION_SCAN)
            .order_by("kind", "pk")
        ],
    }


def application_snapshot_take(case: Case) -> ApplicationSnapshot:
    """Freeze what is submitted in this round (called inside the submit transaction)."""
    data = application_snapshot_data(case)
    return ApplicationSnapshot.objects.create(
        case=case, round=case.submission_round, data=data, sha256=ApplicationSnapshot.digest(data)
    )
