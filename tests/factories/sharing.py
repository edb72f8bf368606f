"""Experience-sharing test data through the real services: a winner (an awarded,
announced case), its entries and visit sessions, visitors from other organisations."""

import datetime
import io

from django.utils import timezone

from hengyang_award.core.models import User
from hengyang_award.core.roles import Role
from publicity.models import SharingEntry, VisitRegistration, VisitSession
from publicity.services import (
    sharing_entry_create,
    sharing_entry_publish,
    visit_register,
    visit_session_create,
)
from supervision.models import Award

from . import World, make_organisation, make_user, tiny_pdf
from .awards import announce, drive_to


def winner(world: World) -> Award:
    """`world.org` wins: its case is awarded and the announcement issued today."""
    drive_to(world, "awarded")
    return announce(world.cycle, office=world.office).awards.get()


def visitor(**user_fields) -> User:
    """An applicant user of a further organisation."""
    return make_user(Role.APPLICANT, organisation=make_organisation(), **user_fields)


def entry(award: Award, *, by: User, publish: bool = True, files=(), **overrides) -> SharingEntry:
    values = {
        "title": "全面质量管理的三点做法",
        "summary": "导入卓越绩效模式三年，合格率持续提升。",
        "methods": "一、领导带头。\n二、全员参与。\n三、数据说话。",
        **overrides,
    }
    attachments = [(io.BytesIO(content), name) for name, content in files]
    created = sharing_entry_create(by=by, attachments=attachments, **values)
    if publish:
        created = sharing_entry_publish(created.pk, by=by)
    return created


def session(award: Award, *, by: User, **overrides) -> VisitSession:
    starts = timezone.now().replace(microsecond=0) + datetime.timedelta(days=14)
    values = {
        "topic": "生产现场观摩",
        "starts_at": starts,
        "place": "衡阳市测试路1号一号车间",
        "capacity": 10,
        "registration_deadline": starts - datetime.timedelta(days=3),
        "contact_phone": "0734-8123456",
        **overrides,
    }
    return visit_session_create(by=by, **values)


def register(session: VisitSession, *, by: User, attendees: int = 2, **kw) -> VisitRegistration:
    return visit_register(
        session.pk, by=by, attendees=attendees, attendee_names=kw.pop("names", "甲某、乙某"), **kw
    )


def pdf_file(name: str = "案例材料.pdf") -> tuple[str, bytes]:
    return name, tiny_pdf("sharing")
