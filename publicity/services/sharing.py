"""Experience sharing (Art. 16): a winner publishes what others can learn and
hosts visit sessions; other organisations register for them. Only the winning
organisation's users manage its entries and sessions, only while its title is
valid; the office may hide a published entry. Every write is audited and clears
the public pages' cache after commit."""

import datetime
import re
import uuid
from typing import BinaryIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import files
from hengyang_award.core.models import User
from hengyang_award.core.roles import Role
from hengyang_award.core.services import audit_log_write
from hengyang_award.notifications.services import notify
from supervision.models import Award

from ..cache import public_cache_bump
from ..models_sharing import SharingAttachment, SharingEntry, VisitRegistration, VisitSession
from ..selectors_sharing import award_current_of, is_applicant

MEBIBYTE = 1024 * 1024
# A mainland mobile number (with or without +86): a person's, not an office line.
MOBILE_NUMBER = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")

Attachment = tuple[BinaryIO, str]


def _bump_after_commit() -> None:
    transaction.on_commit(public_cache_bump)


def _award_valid(award: Award, *, at: datetime.datetime | None = None) -> bool:
    return award.status_on(timezone.localdate(at)) == Award.Status.VALID


def _host_users(award: Award):
    return User.objects.filter(
        organisation_id=award.organisation_id, groups__name=Role.APPLICANT, is_active=True
    )


def _require_host(by: User, award: Award) -> None:
    if not is_applicant(by) or by.organisation_id != award.organisation_id:
        raise PermissionDenied(_("只有获奖组织的用户可以管理本单位的经验分享。"))


def _require_valid(award: Award) -> None:
    if not _award_valid(award):
        raise ValidationError(_("本单位的获奖称号已不在有效期内，不能再发布经验分享或观摩活动。"))


def _current_award(by: User) -> Award:
    award = award_current_of(by)
    if award is None:
        raise PermissionDenied(_("只有获奖称号在有效期内的组织可以发布经验分享和观摩活动。"))
    return award


# --- entries ---------------------------------------------------------------------


def _attachments_check(award: Award, attachments: list[Attachment]) -> list[files.CheckedFile]:
    return files.check_uploads(
        award.cycle,
        attachments,
        field="attachments",
        total_message=_("附件总量超过上限（%(limit)s MB），请压缩后再提交。"),
    )


def _attachments_store(
    entry: SharingEntry,
    attachments: list[Attachment],
    checked: list[files.CheckedFile],
    *,
    by: User,
) -> None:
    for (stream, _name), result in zip(attachments, checked, strict=True):
        stream.seek(0)
        extension = files.ALLOWED_TYPES[result.kind][1][0]
        name = default_storage.save(f"sharing/{entry.pk}/{uuid.uuid4().hex}{extension}", stream)
        stored = SharingAttachment.objects.create(
            entry=entry,
            file=name,
            original_name=result.safe_name,
            mime=result.mime,
            size=result.size,
            sha256=result.sha256,
            uploaded_by=by,
        )
        audit_log_write(
            "sharing.attachment",
            actor=by,
            obj=stored,
            entry=entry.pk,
            sha256=result.sha256,
        )


def _entry_text_check(title: str, summary: str, methods: str) -> dict[str, str]:
    reasons = {}
    if not title.strip():
        reasons["title"] = _("请填写标题。")
    if not summary.strip():
        reasons["summary"] = _("请填写案例简介。")
    if not methods.strip():
        reasons["methods"] = _("请填写可供借鉴的经验做法。")
    return reasons


@transaction.atomic
def sharing_entry_create(
    *,
    by: User,
    title: str,
    summary: str,
    methods: str,
    attachments: list[Attachment] | None = None,
) -> SharingEntry:
    """A draft entry under the newest valid title of the user's organisation."""
    award = _current_award(by)
    reasons = _entry_text_check(title, summary, methods)
    if reasons:
        raise ValidationError(reasons)
    attachments = attachments or []
    checked = _attachments_check(award, attachments)
    entry = SharingEntry.objects.create(
        award=award,
        title=title.strip(),
        summary=summary.strip(),
        methods=methods.strip(),
        created_by=by,
    )
    _attachments_store(entry, attachments, checked, by=by)
    audit_log_write("sharing.entry_create", actor=by, obj=entry, award=award.pk, files=len(checked))
    return entry


def _entry_locked(entry_id: int) -> SharingEntry:
    return (
        SharingEntry.objects.select_for_update(of=("self",))
        .select_related("award__cycle", "award__organisation")
        .get(pk=entry_id)
    )


@transaction.atomic
def sharing_entry_update(
    entry_id: int,
    *,
    by: User,
    title: str,
    summary: str,
    methods: str,
    attachments: list[Attachment] | None = None,
) -> SharingEntry:
    """Change a draft (published entries stay as published)."""
    entry = _entry_locked(entry_id)
    _require_host(by, entry.award)
    if entry.status != SharingEntry.Status.DRAFT:
        raise ValidationError(_("只有草稿可以修改。"))
    reasons = _entry_text_check(title, summary, methods)
    if reasons:
        raise ValidationError(reasons)
    attachments = attachments or []
    checked = _attachments_check(entry.award, attachments)
    entry.title, entry.summary, entry.methods = title.strip(), summary.strip(), methods.strip()
    entry.save(update_fields=["title", "summary", "methods", "updated_at"])
    _attachments_store(entry, attachments, checked, by=by)
    audit_log_write("sharing.entry_update", actor=by, obj=entry, files=len(checked))
    return entry


@transaction.atomic
def sharing_entry_publish(entry_id: int, *, by: User) -> SharingEntry:
    entry = _entry_locked(entry_id)
    _require_host(by, entry.award)
    if entry.status != SharingEntry.Status.DRAFT:
        raise ValidationError(_("该经验分享已发布或已被隐藏，不能再次发布。"))
    _require_valid(entry.award)
    entry.status = SharingEntry.Status.PUBLISHED
    entry.published_at = timezone.now()
    entry.save(update_fields=["status", "published_at", "updated_at"])
    audit_log_write("sharing.entry_publish", actor=by, obj=entry, award=entry.award_id)
    _bump_after_commit()
    return entry


@transaction.atomic
def sharing_entry_hide(entry_id: int, *, by: User, reason: str) -> SharingEntry:
    """The office takes a published entry off the public site, saying why; the
    winner's users are told."""
    if not by.has_role(Role.OFFICE_STAFF):
        raise PermissionDenied(_("只有评审办工作人员可以隐藏经验分享。"))
    entry = _entry_locked(entry_id)
    if entry.status != SharingEntry.Status.PUBLISHED:
        raise ValidationError(_("只有已发布的经验分享可以隐藏。"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写隐藏理由。")})
    entry.status = SharingEntry.Status.HIDDEN
    entry.hidden_at = timezone.now()
    entry.hidden_by = by
    entry.hidden_reason = reason.strip()
    entry.save(update_fields=["status", "hidden_at", "hidden_by", "hidden_reason", "updated_at"])
    audit_log_write("sharing.entry_hide", actor=by, obj=entry, reason=entry.hidden_reason)
    notify(
        _host_users(entry.award),
        kind="sharing_entry_hidden",
        subject=gettext_lazy("经验分享已被评审办隐藏：%(title)s"),
        body=gettext_lazy("您单位发布的经验分享“%(title)s”已被评审办隐藏，理由：%(reason)s"),
        params={"title": entry.title, "reason": entry.hidden_reason},
        link=reverse("publicity:sharing_entry", args=[entry.pk]),
        dedupe_key=f"sharing-hidden:{entry.pk}",
    )
    _bump_after_commit()
    return entry


# --- visit sessions -----------------------------------------------------------------


def visit_session_refusals(
    *,
    topic: str,
    starts_at: datetime.datetime | None,
    place: str,
    capacity: int | None,
    registration_deadline: datetime.datetime | None,
    contact_phone: str,
    now: datetime.datetime | None = None,
) -> dict[str, str]:
    """Why a session cannot be offered as entered (field -> reason)."""
    now = now or timezone.now()
    reasons: dict[str, str] = {}
    if not topic.strip():
        reasons["topic"] = _("请填写观摩主题。")
    if not place.strip():
        reasons["place"] = _("请填写观摩地点。")
    if not capacity or capacity < 1:
        reasons["capacity"] = _("名额至少为1人。")
    if starts_at is None:
        reasons["starts_at"] = _("请填写观摩时间。")
    elif starts_at <= now:
        reasons["starts_at"] = _("观摩时间须在当前时间之后。")
    if registration_deadline is None:
        reasons["registration_deadline"] = _("请填写报名截止时间。")
    elif registration_deadline <= now:
        reasons["registration_deadline"] = _("报名截止时间须在当前时间之后。")
    elif starts_at is not None and registration_deadline > starts_at:
        reasons["registration_deadline"] = _("报名截止时间不能晚于观摩时间。")
    digits = "".join(c for c in contact_phone if c.isdigit() or c == "+")
    if len([c for c in digits if c.isdigit()]) < 7:
        reasons["contact_phone"] = _("请填写单位办公电话。")
    elif MOBILE_NUMBER.match(digits):
        reasons["contact_phone"] = _(
            "联系电话将在公开网站上显示，请填写单位办公电话，不要填写个人手机号码。"
        )
    return reasons


@transaction.atomic
def visit_session_create(
    *,
    by: User,
    topic: str,
    starts_at: datetime.datetime,
    place: str,
    capacity: int,
    registration_deadline: datetime.datetime,
    contact_phone: str,
) -> VisitSession:
    award = _current_award(by)
    reasons = visit_session_refusals(
        topic=topic,
        starts_at=starts_at,
        place=place,
        capacity=capacity,
        registration_deadline=registration_deadline,
        contact_phone=contact_phone,
    )
    if reasons:
        raise ValidationError(reasons)
    session = VisitSession.objects.create(
        award=award,
        topic=topic.strip(),
        starts_at=starts_at,
        place=place.strip(),
        capacity=capacity,
        registration_deadline=registration_deadline,
        contact_phone=contact_phone.strip(),
        created_by=by,
    )
    audit_log_write(
        "sharing.session_create",
        actor=by,
        obj=session,
        award=award.pk,
        starts_at=starts_at,
        capacity=capacity,
    )
    _bump_after_commit()
    return session


def _session_locked(session_id: int) -> VisitSession:
    return (
        VisitSession.objects.select_for_update(of=("self",))
        .select_related("award__organisation")
        .get(pk=session_id)
    )


def _taken(session: VisitSession) -> int:
    return (
        session.registrations.filter(status=VisitRegistration.Status.REGISTERED).aggregate(
            n=Sum("attendees")
        )["n"]
        or 0
    )


@transaction.atomic
def visit_session_close(session_id: int, *, by: User) -> VisitSession:
    """The host stops taking registrations before the deadline."""
    session = _session_locked(session_id)
    _require_host(by, session.award)
    if session.status not in (VisitSession.Status.OPEN, VisitSession.Status.FULL):
        raise ValidationError(_("该观摩活动已截止报名或已取消。"))
    session.status = VisitSession.Status.CLOSED
    session.save(update_fields=["status", "updated_at"])
    audit_log_write("sharing.session_close", actor=by, obj=session)
    _bump_after_commit()
    return session


@transaction.atomic
def visit_session_cancel(session_id: int, *, by: User, reason: str) -> VisitSession:
    """The host cancels, saying why; the registered organisations are told."""
    session = _session_locked(session_id)
    _require_host(by, session.award)
    if session.status == VisitSession.Status.CANCELLED:
        raise ValidationError(_("该观摩活动已取消。"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写取消原因。")})
    session.status = VisitSession.Status.CANCELLED
    session.cancel_reason = reason.strip()
    session.cancelled_at = timezone.now()
    session.save(update_fields=["status", "cancel_reason", "cancelled_at", "updated_at"])
    audit_log_write("sharing.session_cancel", actor=by, obj=session, reason=session.cancel_reason)
    visitors = User.objects.filter(
        organisation__visit_registrations__session=session,
        organisation__visit_registrations__status=VisitRegistration.Status.REGISTERED,
        groups__name=Role.APPLICANT,
        is_active=True,
    ).distinct()
    notify(
        visitors,
        kind="visit_cancelled",
        subject=gettext_lazy("观摩活动已取消：%(topic)s"),
        body=gettext_lazy("%(org)s于%(when)s的观摩活动“%(topic)s”已取消，原因：%(reason)s"),
        params={
            "org": session.award.organisation.name,
            "topic": session.topic,
            "when": timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M"),
            "reason": session.cancel_reason,
        },
        link=reverse("publicity:sharing_visits"),
        dedupe_key=f"visit-cancelled:{session.pk}",
    )
    _bump_after_commit()
    return session


# --- registrations --------------------------------------------------------------------


@transaction.atomic
def visit_register(
    session_id: int,
    *,
    by: User,
    attendees: int,
    attendee_names: str,
    at: datetime.datetime | None = None,
) -> VisitRegistration:
    """Another organisation registers for a session. The session row is locked,
    so of two registrations for the last seats one wins and the other is told how
    many remain."""
    at = at or timezone.now()
    if not is_applicant(by):
        raise PermissionDenied(_("只有申报组织的用户可以报名参加观摩。"))
    if not attendees or attendees < 1:
        raise ValidationError({"attendees": _("参加人数至少为1人。")})
    if not attendee_names.strip():
        raise ValidationError({"attendee_names": _("请填写参加人员姓名。")})
    session = _session_locked(session_id)
    if session.status == VisitSession.Status.CANCELLED:
        raise ValidationError(
            _("该观摩活动已取消（%(reason)s），不能报名。") % {"reason": session.cancel_reason}
        )
    if by.organisation_id == session.award.organisation_id:
        raise ValidationError(_("不能报名参加本单位举办的观摩活动。"))
    if not _award_valid(session.award, at=at):
        raise ValidationError(_("举办单位的获奖称号已不在有效期内，该观摩活动不再接受报名。"))
    if at > session.registration_deadline:
        raise ValidationError(
            _("报名已于%(deadline)s截止。")
            % {
                "deadline": timezone.localtime(session.registration_deadline).strftime(
                    "%Y-%m-%d %H:%M"
                )
            }
        )
    if session.status == VisitSession.Status.CLOSED:
        raise ValidationError(_("举办单位已停止接受报名。"))
    if session.registrations.filter(
        organisation_id=by.organisation_id, status=VisitRegistration.Status.REGISTERED
    ).exists():
        raise ValidationError(_("本单位已报名参加该观摩活动，如需调整人数请先撤回报名。"))
    remaining = session.capacity - _taken(session)
    if attendees > remaining:
        message = (
            _("名额已满。")
            if remaining <= 0
            else _("名额不足：仅剩%(n)d个名额，请减少参加人数。") % {"n": remaining}
        )
        raise ValidationError({"attendees": message})
    try:
        with transaction.atomic():
            registration = VisitRegistration.objects.create(
                session=session,
                organisation_id=by.organisation_id,
                attendees=attendees,
                attendee_names=attendee_names.strip(),
                registered_by=by,
                registered_at=at,
            )
    except IntegrityError as exc:  # pragma: no cover - the lock above serialises registrations
        raise ValidationError(_("本单位已报名参加该观摩活动。")) from exc
    if attendees == remaining:
        session.status = VisitSession.Status.FULL
        session.save(update_fields=["status", "updated_at"])
    audit_log_write(
        "sharing.visit_register",
        actor=by,
        obj=registration,
        session=session.pk,
        organisation=by.organisation_id,
        attendees=attendees,
    )
    notify(
        _host_users(session.award),
        kind="visit_registered",
        subject=gettext_lazy("新的观摩报名：%(org)s"),
        body=gettext_lazy("%(org)s报名参加观摩活动“%(topic)s”，%(n)s人。"),
        params={"org": by.organisation.name, "topic": session.topic, "n": attendees},
        link=reverse("publicity:sharing_session", args=[session.pk]),
        dedupe_key=f"visit-registered:{registration.pk}",
    )
    _bump_after_commit()
    return registration


@transaction.atomic
def visit_registration_withdraw(
    registration_id: int, *, by: User, at: datetime.datetime | None = None
) -> VisitRegistration:
    """The registering organisation withdraws before the deadline; a full session
    opens again."""
    at = at or timezone.now()
    session_id = (
        VisitRegistration.objects.filter(pk=registration_id)
        .values_list("session_id", flat=True)
        .get()
    )
    session = _session_locked(session_id)
    registration = VisitRegistration.objects.select_for_update().get(pk=registration_id)
    if not is_applicant(by) or by.organisation_id != registration.organisation_id:
        raise PermissionDenied(_("只能撤回本单位的报名。"))
    if registration.status != VisitRegistration.Status.REGISTERED:
        raise ValidationError(_("该报名已撤回。"))
    if at > session.registration_deadline:
        raise ValidationError(_("报名已截止，不能再撤回；如不能参加请直接联系举办单位。"))
    registration.status = VisitRegistration.Status.WITHDRAWN
    registration.withdrawn_at = at
    registration.withdrawn_by = by
    registration.save(update_fields=["status", "withdrawn_at", "withdrawn_by"])
    if session.status == VisitSession.Status.FULL:
        session.status = VisitSession.Status.OPEN
        session.save(update_fields=["status", "updated_at"])
    audit_log_write("sharing.visit_withdraw", actor=by, obj=registration, session=session.pk)
    _bump_after_commit()
    return registration
