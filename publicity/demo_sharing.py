"""Demo data of experience sharing, through the real services: `seed_demo` calls
`sharing_demo` for a valid award once the announcement is issued. It registers no
stage condition, so it has no preparer."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from hengyang_award.core.models import User
from hengyang_award.core.roles import Role
from supervision.models import Award

from .models_sharing import SharingEntry, VisitRegistration, VisitSession
from .services.sharing import (
    sharing_entry_create,
    sharing_entry_publish,
    visit_register,
    visit_session_create,
)

DEMO_TITLE = "以卓越绩效模式推动全员质量改进"


@dataclass(frozen=True)
class SharingDemo:
    entry: SharingEntry
    session: VisitSession
    registration: VisitRegistration | None


def _visitor(award: Award) -> User | None:
    """An active applicant user of some other organisation, if there is one."""
    return (
        User.objects.filter(groups__name=Role.APPLICANT, is_active=True, organisation__isnull=False)
        .exclude(organisation_id=award.organisation_id)
        .order_by("organisation_id", "pk")
        .first()
    )


def sharing_demo(award: Award, *, by_user: User) -> SharingDemo:
    """One published entry and one open session of `award` (by `by_user`, a user
    of the winning organisation), with one registration from another organisation
    when one has an applicant user. Running it again adds nothing."""
    entry = SharingEntry.objects.filter(award=award, title=DEMO_TITLE).first()
    if entry is None:
        entry = sharing_entry_create(
            by=by_user,
            title=DEMO_TITLE,
            summary=(
                "本单位导入卓越绩效管理模式，建立覆盖研发、采购、生产和服务的质量管理体系，"
                "近三年产品一次交验合格率由97.2%提升至99.6%。"
            ),
            methods=(
                "一、领导带头：每月召开质量分析会，质量指标纳入各级负责人考核。\n\n"
                "二、全员参与：推行质量改进小组（QC小组）活动，一线员工提出改进建议有奖励。\n\n"
                "三、数据说话：关键工序实施统计过程控制（SPC），异常二十四小时内闭环处理。"
            ),
        )
        sharing_entry_publish(entry.pk, by=by_user)
        entry.refresh_from_db()
    session = VisitSession.objects.filter(award=award).order_by("pk").first()
    if session is None:
        starts = timezone.localtime().replace(hour=9, minute=30, second=0, microsecond=0)
        starts += datetime.timedelta(days=21)
        session = visit_session_create(
            by=by_user,
            topic="生产现场质量管理观摩",
            starts_at=starts,
            place=award.organisation.address,
            capacity=20,
            registration_deadline=starts - datetime.timedelta(days=7),
            contact_phone="0734-8888000",
        )
    registration = session.registrations.order_by("pk").first()
    visitor = _visitor(award)
    if registration is None and visitor is not None:
        registration = visit_register(
            session.pk, by=visitor, attendees=3, attendee_names="王质量、赵工艺、孙检验"
        )
    return SharingDemo(entry=entry, session=session, registration=registration)
