"""The revocation procedure (Art. 19-20). The office opens it on a valid title;
the organisation is told and may make a statement within
`revocation_statement_working_days` working days; the office records its
findings; the committee director records the committee's decision; the office
records the city government's decision (with its document number). A decision to
revoke fires `revoke` on the case, publishes the revocation notice, creates the
recovery tasks and, for fraud, records the ban of Art. 19."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.services import fire
from applications.workflow import CaseState
from hengyang_award.core.models import User
from hengyang_award.core.selectors import office_users
from hengyang_award.core.services import audit_log_write
from hengyang_award.notifications.services import notify
from hengyang_award.workcalendar.days import add_working_days

from ..models import Award, Ban, Plaque, PrizePayment, RecoveryTask, Revocation
from ._common import (
    Upload,
    evidence_check,
    evidence_store,
    is_winner_user,
    require_perm,
    winner_users,
)
from .awards import ISSUER
from .bans import ban_record

DECIDE_PERMISSION = "applications.decide_case"


def _chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def revocation_refusals(award: Award, *, today: datetime.date) -> list[str]:
    """Why no procedure can be opened on this title now (readable sentences)."""
    reasons = []
    if award.revoked_on is not None:
        reasons.append(_("该称号已于%(day)s被撤销。") % {"day": award.revoked_on.isoformat()})
    elif award.status_on(today) == Award.Status.EXPIRED or award.case.state == CaseState.EXPIRED:
        reasons.append(
            _("该称号已于%(day)s到期，不能再撤销。") % {"day": award.ends_on.isoformat()}
        )
    open_one = Revocation.objects.filter(award=award, outcome=Revocation.Outcome.OPEN).first()
    if open_one is not None:
        reasons.append(
            _("该称号已有正在办理的撤销程序（%(day)s立案），不能重复立案。")
            % {"day": timezone.localdate(open_one.opened_at).isoformat()}
        )
    return reasons


@transaction.atomic
def revocation_open(
    award_id: int,
    *,
    by: User,
    grounds: str,
    facts: str,
    evidence: list[Upload] = (),
    misuse_report=None,
    fund_report=None,
) -> Revocation:
    require_perm(by, "supervision.add_revocation")
    award = (
        Award.objects.select_for_update()
        .select_related("case", "cycle", "organisation")
        .get(pk=award_id)
    )
    today = timezone.localdate()
    reasons = revocation_refusals(award, today=today)
    if reasons:
        raise ValidationError(reasons)
    errors: dict[str, list[str]] = {}
    if grounds not in Revocation.Grounds.values:
        errors.setdefault("grounds", []).append(_("请选择撤销事由。"))
    if not facts.strip():
        errors.setdefault("facts", []).append(_("请写明事实。"))
    if misuse_report is not None and misuse_report.award_id != award.pk:
        errors.setdefault("facts", []).append(_("所选不当使用记录不属于该获奖组织。"))
    if errors:
        raise ValidationError(errors)
    checked = evidence_check(award, list(evidence))
    statement_ends_on = add_working_days(today, n=award.cycle.revocation_statement_working_days).day
    try:
        with transaction.atomic():
            revocation = Revocation.objects.create(
                award=award,
                grounds=grounds,
                facts=facts.strip(),
                misuse_report=misuse_report,
                fund_report=fund_report,
                opened_by=by,
                notified_on=today,
                statement_ends_on=statement_ends_on,
            )
    except IntegrityError as exc:  # opened by someone else meanwhile
        raise ValidationError(_("该称号已有正在办理的撤销程序，不能重复立案。")) from exc
    evidence_store(award, list(evidence), checked, by=by, source="office", revocation=revocation)
    audit_log_write(
        "revocation.open",
        actor=by,
        obj=revocation,
        award=award.pk,
        case=award.case_id,
        grounds=grounds,
        facts=revocation.facts,
        statement_ends_on=statement_ends_on.isoformat(),
        misuse_report=misuse_report.pk if misuse_report else None,
        fund_report=fund_report.pk if fund_report else None,
    )
    _tell_winner(revocation, "open", OPENED, ends=statement_ends_on.isoformat())
    return revocation


OPENED = (
    gettext_lazy("撤销市长质量奖称号程序告知"),
    gettext_lazy(
        "评审办已就您单位的%(cycle)s称号启动撤销程序，事由：%(grounds)s。"
        "您单位可在%(ends)s前在平台提交陈述和申辩意见及材料。"
    ),
)


def _tell_winner(revocation: Revocation, event: str, message, **params) -> None:
    award = revocation.award
    notify(
        winner_users(award),
        kind="revocation",
        subject=message[0],
        body=message[1],
        params={
            "cycle": lambda: award.cycle.title,
            "grounds": lambda: Revocation.Grounds(revocation.grounds).label,
            **params,
        },
        link=reverse("supervision:revocation_detail", args=[revocation.pk]),
        dedupe_key=f"revocation.{event}:{revocation.pk}",
    )


def _locked_open(revocation_id: int) -> Revocation:
    revocation = (
        Revocation.objects.select_for_update()
        .select_related("award__case", "award__cycle", "award__organisation")
        .get(pk=revocation_id)
    )
    if not revocation.is_open:
        raise ValidationError(
            _("该撤销程序已办结（%(outcome)s）。") % {"outcome": revocation.get_outcome_display()}
        )
    return revocation


@transaction.atomic
def revocation_statement_file(
    revocation_id: int, *, by: User, statement: str, evidence: list[Upload] = ()
) -> Revocation:
    """The organisation's statement and defence, once, within the period."""
    revocation = _locked_open(revocation_id)
    award = revocation.award
    if not is_winner_user(by, award):
        raise PermissionDenied(_("只有被撤销程序涉及的获奖组织可以提交陈述申辩。"))
    if revocation.statement_at is not None:
        raise ValidationError(_("陈述申辩意见已提交。"))
    if timezone.localdate() > revocation.statement_ends_on:
        raise ValidationError(
            _("陈述申辩期已于%(day)s结束。") % {"day": revocation.statement_ends_on.isoformat()}
        )
    statement = statement.strip()
    if not statement:
        raise ValidationError({"statement": _("请填写陈述申辩意见。")})
    checked = evidence_check(award, list(evidence))
    revocation.statement = statement
    revocation.statement_by = by
    revocation.statement_at = timezone.now()
    revocation.save(update_fields=["statement", "statement_by", "statement_at"])
    evidence_store(award, list(evidence), checked, by=by, source="winner", revocation=revocation)
    audit_log_write("revocation.statement", actor=by, obj=revocation, statement=statement)
    notify(
        office_users(),
        kind="revocation.statement",
        subject=STATEMENT[0],
        body=STATEMENT[1],
        params={"org": award.organisation.name},
        link=reverse("supervision:revocation_detail", args=[revocation.pk]),
        dedupe_key=f"revocation.statement:{revocation.pk}",
    )
    return revocation


STATEMENT = (
    gettext_lazy("撤销程序陈述申辩：%(org)s"),
    gettext_lazy("%(org)s已在撤销程序中提交陈述申辩意见，请调查核实。"),
)


@transaction.atomic
def revocation_findings_record(revocation_id: int, *, by: User, findings: str) -> Revocation:
    """The office's investigation findings, until the committee has decided."""
    require_perm(by, "supervision.change_revocation")
    revocation = _locked_open(revocation_id)
    if revocation.committee_decision:
        raise ValidationError(_("评审委员会已作出决定，不能再修改调查核实情况。"))
    findings = findings.strip()
    if not findings:
        raise ValidationError({"findings": _("请填写调查核实情况。")})
    previous = revocation.findings
    revocation.findings = findings
    revocation.findings_by = by
    revocation.findings_at = timezone.now()
    revocation.save(update_fields=["findings", "findings_by", "findings_at"])
    audit_log_write(
        "revocation.findings", actor=by, obj=revocation, findings=findings, previous=previous
    )
    return revocation


def decision_refusals(revocation: Revocation, *, today: datetime.date) -> list[str]:
    """Why the committee cannot decide yet."""
    reasons = []
    if not revocation.findings:
        reasons.append(_("评审办尚未登记调查核实情况。"))
    if revocation.statement_at is None and today <= revocation.statement_ends_on:
        reasons.append(
            _("组织的陈述申辩期至%(day)s结束，期满或组织提交陈述申辩后才能作出决定。")
            % {"day": revocation.statement_ends_on.isoformat()}
        )
    return reasons


@transaction.atomic
def revocation_committee_decide(
    revocation_id: int, *, by: User, decision: str, note: str
) -> Revocation:
    """The committee's decision, recorded by its director: revoke (the city
    decides next) or not (the procedure ends)."""
    if not by.has_perm(DECIDE_PERMISSION):
        raise PermissionDenied(_("只有评审委员会主任可以登记评审委员会的决定。"))
    revocation = _locked_open(revocation_id)
    if revocation.committee_decision:
        raise ValidationError(_("评审委员会已作出决定。"))
    if decision not in Revocation.Decision.values:
        raise ValidationError({"decision": _("请选择决定。")})
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("请填写评审委员会意见。")})
    reasons = decision_refusals(revocation, today=timezone.localdate())
    if reasons:
        raise ValidationError(reasons)
    revocation.committee_decision = decision
    revocation.committee_note = note
    revocation.committee_by = by
    revocation.committee_at = timezone.now()
    fields = ["committee_decision", "committee_note", "committee_by", "committee_at"]
    if decision == Revocation.Decision.KEEP:
        revocation.outcome = Revocation.Outcome.KEPT
        revocation.closed_at = revocation.committee_at
        fields += ["outcome", "closed_at"]
    revocation.save(update_fields=fields)
    audit_log_write("revocation.committee", actor=by, obj=revocation, decision=decision, note=note)
    if decision == Revocation.Decision.KEEP:
        _tell_winner(revocation, "kept", KEPT, note=note)
    else:
        notify(
            office_users(),
            kind="revocation.committee",
            subject=TO_CITY[0],
            body=TO_CITY[1],
            params={"org": revocation.award.organisation.name},
            link=reverse("supervision:revocation_detail", args=[revocation.pk]),
            dedupe_key=f"revocation.committee:{revocation.pk}",
        )
    return revocation


KEPT = (
    gettext_lazy("撤销程序结果：不予撤销"),
    gettext_lazy("经审议，决定不撤销您单位的%(cycle)s称号。意见：%(note)s"),
)
TO_CITY = (
    gettext_lazy("评审委员会决定撤销：%(org)s"),
    gettext_lazy("评审委员会决定撤销%(org)s的称号，请报市人民政府批准并登记市政府决定。"),
)


@transaction.atomic
def revocation_city_decide(
    revocation_id: int,
    *,
    by: User,
    decision: str,
    number: str,
    decided_on: datetime.date,
    note: str,
    recovery_due_on: datetime.date | None = None,
) -> Revocation:
    """Record the city government's decision (document number, date, content).
    Approval revokes the title: `revoke` fired on the case with the decision as
    note, the revocation notice published, recovery tasks due on
    `recovery_due_on`, and for fraud the ban of Art. 19."""
    from publicity.cache import public_cache_bump
    from publicity.models import Notice

    require_perm(by, "supervision.change_revocation")
    if not by.has_perm("applications.revoke_case"):
        raise PermissionDenied(_("您没有撤销奖项的权限。"))
    revocation = _locked_open(revocation_id)
    if revocation.committee_decision != Revocation.Decision.REVOKE:
        raise ValidationError(_("评审委员会尚未作出撤销决定，不能登记市政府决定。"))
    errors: dict[str, list[str]] = {}
    number, note = number.strip(), note.strip()
    if decision not in Revocation.Decision.values:
        errors.setdefault("decision", []).append(_("请选择决定。"))
    if not number:
        errors.setdefault("number", []).append(_("请填写市政府决定文号。"))
    elif Notice.objects.filter(number=number).exists():
        errors.setdefault("number", []).append(_("文号“%(number)s”已被使用。") % {"number": number})
    if not note:
        errors.setdefault("note", []).append(_("请填写市政府决定内容。"))
    today = timezone.localdate()
    if decided_on > today:
        errors.setdefault("decided_on", []).append(_("决定日期不能晚于今天。"))
    elif decided_on < timezone.localdate(revocation.committee_at):
        errors.setdefault("decided_on", []).append(_("决定日期不能早于评审委员会决定日期。"))
    if decision == Revocation.Decision.REVOKE:
        if recovery_due_on is None:
            errors.setdefault("recovery_due_on", []).append(_("请填写收回奖牌、证书和奖金的期限。"))
        elif recovery_due_on <= today:
            errors.setdefault("recovery_due_on", []).append(_("收回期限必须晚于今天。"))
    if errors:
        raise ValidationError(errors)
    revocation.city_decision = decision
    revocation.city_number = number
    revocation.city_decided_on = decided_on
    revocation.city_note = note
    revocation.city_recorded_by = by
    revocation.city_recorded_at = timezone.now()
    revocation.closed_at = revocation.city_recorded_at
    revocation.outcome = (
        Revocation.Outcome.REVOKED
        if decision == Revocation.Decision.REVOKE
        else Revocation.Outcome.KEPT
    )
    fields = [
        "city_decision",
        "city_number",
        "city_decided_on",
        "city_note",
        "city_recorded_by",
        "city_recorded_at",
        "closed_at",
        "outcome",
    ]
    if decision == Revocation.Decision.KEEP:
        revocation.save(update_fields=fields)
        audit_log_write(
            "revocation.city", actor=by, obj=revocation, decision=decision, number=number, note=note
        )
        _tell_winner(revocation, "kept", KEPT, note=note)
        return revocation

    award = revocation.award
    # Saved first: the `revoke` edge checks that an approved procedure exists.
    revocation.save(update_fields=fields)
    fire(
        award.case_id,
        "revoke",
        by=by,
        note=_("%(number)s：%(note)s") % {"number": number, "note": note},
        expected_state=CaseState.AWARDED,
    )
    award.refresh_from_db()
    if revocation.grounds == Revocation.Grounds.FRAUD:
        revocation.ban = ban_record(
            by=by,
            organisation=award.organisation,
            reason=_("撤销市长质量奖称号（%(number)s）：%(note)s")
            % {"number": number, "note": note},
            legal_basis=Ban.Basis.ART19_FRAUD,
            starts_on=award.revoked_on,
            case=award.case,
        )
        fields.append("ban")
    revocation.notice = _notice_publish(revocation, by=by)
    fields.append("notice")
    revocation.save(update_fields=fields)
    tasks = _recovery_tasks_create(revocation, due_on=recovery_due_on)
    audit_log_write(
        "revocation.city",
        actor=by,
        obj=revocation,
        decision=decision,
        number=number,
        decided_on=decided_on.isoformat(),
        note=note,
        notice=revocation.notice.pk,
        ban=revocation.ban_id,
        recovery=[{"kind": t.kind, "amount": str(t.amount or "")} for t in tasks],
        revoked_on=award.revoked_on.isoformat(),
    )
    _tell_winner(
        revocation,
        "revoked",
        REVOKED,
        number=number,
        due=recovery_due_on.isoformat(),
        items=lambda: "、".join(str(t.get_kind_display()) for t in tasks),
    )
    transaction.on_commit(public_cache_bump)
    return revocation


REVOKED = (
    gettext_lazy("市长质量奖称号已撤销"),
    gettext_lazy(
        "市人民政府已决定（%(number)s）撤销您单位的%(cycle)s称号。请于%(due)s前办理：%(items)s。"
    ),
)


def _recovery_tasks_create(revocation: Revocation, *, due_on: datetime.date) -> list[RecoveryTask]:
    award = revocation.award
    tasks = [RecoveryTask(revocation=revocation, kind=RecoveryTask.Kind.CERTIFICATE, due_on=due_on)]
    if Plaque.objects.filter(award=award).exists():
        tasks.insert(
            0, RecoveryTask(revocation=revocation, kind=RecoveryTask.Kind.PLAQUE, due_on=due_on)
        )
    payment = PrizePayment.objects.filter(award=award).first()
    if payment is not None and payment.amount > Decimal("0"):
        tasks.append(
            RecoveryTask(
                revocation=revocation,
                kind=RecoveryTask.Kind.PRIZE,
                amount=payment.amount,
                due_on=due_on,
            )
        )
    return RecoveryTask.objects.bulk_create(tasks)


def _notice_publish(revocation: Revocation, *, by: User):
    from publicity.models import Notice
    from publicity.services import notice_draft, notice_make_public

    award = revocation.award
    with translation.override("zh-hans"):
        title, body = _notice_text(revocation)
        issuer = str(ISSUER)
    notice = notice_draft(
        cycle=award.cycle,
        kind=Notice.Kind.REVOCATION,
        title=title,
        body=body,
        issuer=issuer,
        number=revocation.city_number,
        issued_on=revocation.city_decided_on,
        by=by,
        cases=[award.case],
    )
    return notice_make_public(notice.pk, by=by, revocation=revocation.pk)


ARTICLE = {
    Revocation.Grounds.FRAUD: gettext_lazy("第十九条"),
    Revocation.Grounds.ACCIDENT_OR_VIOLATION: gettext_lazy("第二十条"),
    Revocation.Grounds.BREACH: gettext_lazy("有关规定"),
}


def _notice_text(revocation: Revocation) -> tuple[str, dict]:
    """The revocation notice, in Chinese (an official document)."""
    award = revocation.award
    values = {
        "org": award.organisation.name,
        "cycle": award.cycle.number,
        "year": award.award_year,
        "grounds": Revocation.Grounds(revocation.grounds).label,
        "article": ARTICLE[revocation.grounds],
        "note": revocation.city_note,
        "announcement": award.announcement.number,
    }
    title = _("衡阳市人民政府关于撤销%(org)s第%(cycle)d届衡阳市市长质量奖称号的公告") % values
    paragraphs = [
        _(
            "%(org)s于第%(cycle)d届衡阳市市长质量奖（%(year)d年度）评选中获得衡阳市市长质量奖"
            "（%(announcement)s）。经查，该组织存在以下情形：%(grounds)s。%(note)s"
        )
        % values,
        _(
            "根据《衡阳市市长质量奖管理办法》%(article)s，经评审委员会审议并报市人民政府批准，"
            "决定撤销%(org)s第%(cycle)d届衡阳市市长质量奖称号，收回奖牌和证书%(prize)s。"
        )
        % {
            **values,
            "prize": _("，追回已拨付的奖金")
            if PrizePayment.objects.filter(award=award).exists()
            else "",
        },
    ]
    if revocation.ban_id:
        paragraphs.append(
            _("自%(start)s至%(end)s，%(org)s不得申报衡阳市市长质量奖。")
            % {
                **values,
                "start": _chinese_date(revocation.ban.starts_on),
                "end": _chinese_date(revocation.ban.ends_on),
            }
        )
    paragraphs.append(_("特此公告。"))
    return title, {"paragraphs": paragraphs, "closing": []}


@transaction.atomic
def recovery_complete(
    task_id: int, *, by: User, completed_on: datetime.date, note: str = ""
) -> RecoveryTask:
    """Mark one recovery task done (the plaque or certificate returned, the prize
    repaid)."""
    require_perm(by, "supervision.change_revocation")
    task = RecoveryTask.objects.select_for_update().select_related("revocation").get(pk=task_id)
    if task.completed_on is not None:
        raise ValidationError(_("该事项已于%(day)s办结。") % {"day": task.completed_on.isoformat()})
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": _("完成日期不能晚于今天。")})
    if task.revocation.city_recorded_at and completed_on < timezone.localdate(
        task.revocation.city_recorded_at
    ):
        raise ValidationError({"completed_on": _("完成日期不能早于撤销决定登记日期。")})
    task.completed_on = completed_on
    task.completed_by = by
    task.note = note.strip()
    task.save(update_fields=["completed_on", "completed_by", "note"])
    audit_log_write(
        "recovery.complete",
        actor=by,
        obj=task,
        revocation=task.revocation_id,
        kind=task.kind,
        completed_on=completed_on.isoformat(),
        note=task.note,
    )
    return task
