"""Helpers shared by the after-award services: who the winner's users and the
office are, the evidence files, and the refusals raised as readable reasons."""

import uuid
from typing import BinaryIO

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from applications import files
from hengyang_award.core.models import User
from hengyang_award.core.roles import Role
from hengyang_award.core.services import audit_log_write

from ..models import AfterAwardFile, Award

MEBIBYTE = 1024 * 1024
Upload = tuple[BinaryIO, str]


def winner_users(award: Award) -> QuerySet[User]:
    """The winner's users, who receive every message about its title."""
    return User.objects.filter(organisation=award.organisation_id, is_active=True)


def is_winner_user(user: User, award: Award) -> bool:
    return (
        user.is_authenticated
        and user.organisation_id == award.organisation_id
        and user.has_role(Role.APPLICANT)
    )


def require_winner(user: User, award: Award) -> None:
    if not is_winner_user(user, award):
        raise PermissionDenied(_("只有获奖组织的用户可以办理此事项。"))


def require_perm(user: User, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied(_("只有评审办工作人员可以办理此事项。"))


def evidence_check(award: Award, uploads: list[Upload], *, field: str = "evidence") -> list:
    return files.check_uploads(award.cycle, uploads, field=field)


def evidence_store(
    award: Award, uploads: list[Upload], checked: list, *, by: User, source: str, **owner
) -> list[AfterAwardFile]:
    """Store checked files under generated names; `owner` names the row they
    belong to (fund_report=…, inspection=…, misuse_report=…, revocation=…)."""
    stored = []
    for (stream, _name), result in zip(uploads, checked, strict=True):
        stream.seek(0)
        extension = files.ALLOWED_TYPES[result.kind][1][0]
        name = default_storage.save(f"supervision/{award.pk}/{uuid.uuid4().hex}{extension}", stream)
        row = AfterAwardFile.objects.create(
            award=award,
            source=source,
            file=name,
            original_name=result.safe_name,
            mime=result.mime,
            size=result.size,
            sha256=result.sha256,
            uploaded_by=by,
            **owner,
        )
        audit_log_write(
            "supervision.file",
            actor=by,
            obj=row,
            award=award.pk,
            source=source,
            sha256=result.sha256,
            **{key: value.pk for key, value in owner.items()},
        )
        stored.append(row)
    return stored
