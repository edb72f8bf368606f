"""Bring a case to where the publicity conditions on a transition hold (seed_demo
and the tests' factories), through the real services."""

import datetime

from django.utils import timezone

from applications.demo import register_preparer
from applications.models import Case
from hengyang_award.core.models import User

from .models import Notice, Objection
from .services import (
    notice_make_public,
    notice_update,
    objection_close,
    objection_investigation_start,
    objection_submit,
    publicity_notice_generate,
)

DEMO_OBJECTOR = {
    "objector_name": "赵异议",
    "objector_organisation": "衡阳市示例协会",
    "phone": "0734-8123456",
    "facts": "该组织申报材料中的产品质量数据与实际不符（示例异议）。",
}


def prepare_publish(case: Case, *, office: User) -> None:
    """The case is on a draft publicity notice of its cycle."""
    if not Notice.objects.filter(
        kind=Notice.Kind.PUBLICITY, cycle_id=case.cycle_id, cases=case
    ).exists():
        publicity_notice_generate(case.cycle_id, by=office)


def _published_notice(case: Case, *, office: User) -> Notice:
    """The case's publicity notice, made public with the case's own period if a
    demo drove the case past `publish` without publishing the notice."""
    case = Case.objects.get(pk=case.pk)
    notice = Notice.objects.filter(kind=Notice.Kind.PUBLICITY, cases=case).order_by("-pk").first()
    if notice is None:
        raise LookupError("case has no publicity notice")
    if not notice.is_published:
        notice_update(
            notice.pk,
            by=office,
            period_starts_on=case.publicity_starts_on,
            period_ends_on=case.publicity_ends_on,
        )
        notice = notice_make_public(notice.pk, by=office)
    return notice


def prepare_raise_objection(case: Case, *, office: User) -> None:
    """An objection lodged during the period is being investigated (the case is
    left for the caller to move)."""
    if Objection.objects.filter(case=case, status=Objection.Status.INVESTIGATING).exists():
        return
    notice = _published_notice(case, office=office)
    at = timezone.make_aware(datetime.datetime.combine(notice.period_starts_on, datetime.time(10)))
    objection = objection_submit(case_id=case.pk, at=at, **DEMO_OBJECTOR)
    objection_investigation_start(objection.pk, by=office, fire_transition=False)


def _close_open(case: Case, *, office: User, outcome: str) -> None:
    for objection in Objection.objects.filter(case=case, status__in=Objection.OPEN):
        if objection.status == Objection.Status.RECEIVED:
            objection_investigation_start(objection.pk, by=office, fire_transition=False)
        if objection.status != Objection.Status.VERIFIED:
            objection_close(
                objection.pk,
                by=office,
                outcome=outcome,
                findings="经核查，示例异议的核查结论。",
                fire_transition=False,
            )


def prepare_objection_unfounded(case: Case, *, office: User) -> None:
    """Every objection on the case closed, at least one as unfounded."""
    if not Objection.objects.filter(case=case).exists():
        prepare_raise_objection(case, office=office)
    _close_open(case, office=office, outcome=Objection.Status.UNFOUNDED)


def prepare_disqualify(case: Case, *, office: User) -> None:
    """An objection on the case verified by the office."""
    if Objection.objects.filter(
        case=case, status__in=[Objection.Status.VERIFIED, Objection.Status.DISQUALIFIED]
    ).exists():
        return
    if not Objection.objects.filter(case=case, status__in=Objection.OPEN).exists():
        prepare_raise_objection(case, office=office)
    _close_open(case, office=office, outcome=Objection.Status.VERIFIED)


def register() -> None:
    register_preparer("publish", prepare_publish)
    # tests' factories drive "publish_past" (a publication three weeks ago)
    register_preparer("publish_past", prepare_publish)
    register_preparer("raise_objection", prepare_raise_objection)
    register_preparer("dismiss_objection", prepare_objection_unfounded)
    register_preparer("clear_objection", prepare_objection_unfounded)
    register_preparer("disqualify", prepare_disqualify)
