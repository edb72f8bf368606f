"""Inspections of winners (Art. 18): the office plans one, records what it found
and the follow-up it requires by a deadline; the winner answers the follow-up."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hengyang_award.core.models import User
from hengyang_award.core.selectors import office_users
from hengyang_award.core.services import audit_log_write
from hengyang_award.notifications.services import notify

from ..models import Award, Inspection
from ._common import (
    Upload,
    evidence_check,
    evidence_store,
    require_perm,
    require_winner,
    winner_users,
)


@transaction.atomic
def inspection_plan(
    award_id: int, *, by: User, planned_on: datetime.date, inspectors: str, scope: str
) -> Inspection:
    require_perm(by, "supervision.add_inspection")
    award = Award.objects.get(pk=award_id)
    errors: dict[str, list[str]] = {}
    if not inspectors.strip():
        errors.setdefault("inspectors", []).append(_("请填写检查人员。"))
    if not scope.strip():
        errors.setdefault("scope", []).append(_("请填写检查范围。"))
    if planned_on < award.starts_on:
        errors.setdefault("planned_on", []).append(_("检查日期不能早于获奖公告日期。"))
    if errors:
        raise ValidationError(errors)
    inspection = Inspection.objects.create(
        award=award,
        planned_on=planned_on,
        inspectors=inspectors.strip(),
        scope=scope.strip(),
        created_by=by,
    )
    audit_log_write(
        "inspection.plan",
        actor=by,
        obj=inspection,
        award=award.pk,
        planned_on=planned_on.isoformat(),
        inspectors=inspection.inspectors,
        scope=inspection.scope,
    )
    return inspection


@transaction.atomic
def inspection_record(
    inspection_id: int,
    *,
    by: User,
    held_on: datetime.date,
    findings: str,
    follow_up: str = "",
    follow_up_due: datetime.date | None = None,
) -> Inspection:
    """Record the inspection's findings once; a follow-up needs a deadline after
    the inspection. The winner is told what was found."""
    require_perm(by, "supervision.change_inspection")
    inspection = (
        Inspection.objects.select_for_update().select_related("award").get(pk=inspection_id)
    )
    if inspection.is_recorded:
        raise ValidationError(_("该检查的结果已登记。"))
    errors: dict[str, list[str]] = {}
    findings, follow_up = findings.strip(), follow_up.strip()
    if not findings:
        errors.setdefault("findings", []).append(_("请填写检查发现。"))
    if held_on > timezone.localdate():
        errors.setdefault("held_on", []).append(_("实际检查日期不能晚于今天。"))
    if follow_up and follow_up_due is None:
        errors.setdefault("follow_up_due", []).append(_("提出整改要求时请填写整改期限。"))
    if follow_up_due is not None and not follow_up:
        errors.setdefault("follow_up", []).append(_("填写整改期限时请写明整改要求。"))
    if follow_up_due is not None and follow_up_due <= held_on:
        errors.setdefault("follow_up_due", []).append(_("整改期限必须晚于检查日期。"))
    if errors:
        raise ValidationError(errors)
    inspection.held_on = held_on
    inspection.findings = findings
    inspection.follow_up = follow_up
    inspection.follow_up_due = follow_up_due
    inspection.recorded_at = timezone.now()
    inspection.save(
        update_fields=["held_on", "findings", "follow_up", "follow_up_due", "recorded_at"]
    )
    audit_log_write(
        "inspection.record",
        actor=by,
        obj=inspection,
        held_on=held_on.isoformat(),
        findings=findings,
        follow_up=follow_up,
        follow_up_due=follow_up_due.isoformat() if follow_up_due else None,
    )
    subject, body = RECORDED_FOLLOW_UP if follow_up else RECORDED
    notify(
        winner_users(inspection.award),
        kind="inspection.recorded",
        subject=subject,
        body=body,
        params={
            "held_on": held_on.isoformat(),
            "due": follow_up_due.isoformat() if follow_up_due else "",
        },
        link=reverse("supervision:inspection_detail", args=[inspection.pk]),
        dedupe_key=f"inspection.recorded:{inspection.pk}",
    )
    return inspection


RECORDED = (
    gettext_lazy("监督检查结果"),
    gettext_lazy("评审办已登记%(held_on)s对您单位的监督检查结果，请在平台查看。"),
)
RECORDED_FOLLOW_UP = (
    gettext_lazy("监督检查整改要求"),
    gettext_lazy(
        "评审办已登记%(held_on)s对您单位的监督检查结果，并提出整改要求，"
        "请于%(due)s前在平台答复整改情况。"
    ),
)


@transaction.atomic
def inspection_answer(
    inspection_id: int, *, by: User, answer: str, evidence: list[Upload] = ()
) -> Inspection:
    """The winner's answer to the follow-up (text and files), once."""
    inspection = (
        Inspection.objects.select_for_update()
        .select_related("award__organisation", "award__cycle")
        .get(pk=inspection_id)
    )
    award = inspection.award
    require_winner(by, award)
    if not inspection.follow_up:
        raise ValidationError(_("该检查没有整改要求，无需答复。"))
    if inspection.answered_at is not None:
        raise ValidationError(_("整改情况已答复。"))
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("请填写整改情况。")})
    checked = evidence_check(award, list(evidence))
    inspection.answer = answer
    inspection.answered_by = by
    inspection.answered_at = timezone.now()
    inspection.save(update_fields=["answer", "answered_by", "answered_at"])
    evidence_store(award, list(evidence), checked, by=by, source="winner", inspection=inspection)
    audit_log_write("inspection.answer", actor=by, obj=inspection, answer=answer)
    notify(
        office_users(),
        kind="inspection.answered",
        subject=ANSWERED[0],
        body=ANSWERED[1],
        params={"org": award.organisation.name},
        link=reverse("supervision:inspection_detail", args=[inspection.pk]),
        dedupe_key=f"inspection.answered:{inspection.pk}",
    )
    return inspection


ANSWERED = (
    gettext_lazy("整改情况已答复：%(org)s"),
    gettext_lazy("%(org)s已答复监督检查的整改要求，请查看。"),
)
