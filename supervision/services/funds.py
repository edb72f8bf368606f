"""The prize and its use (Art. 12-13): the office records the payment; the
winner reports its use every `fund_report_interval_months` while the title is
valid, in lines per permitted purpose; the office accepts a report, sends it back
with questions, or finds misuse, which opens a revocation procedure."""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hengyang_award.core.models import User
from hengyang_award.core.selectors import office_users
from hengyang_award.core.services import audit_log_write
from hengyang_award.notifications.services import notify

from ..models import Award, FundPurpose, FundReport, FundReportLine, PrizePayment
from ._common import (
    Upload,
    evidence_check,
    evidence_store,
    require_perm,
    require_winner,
    winner_users,
)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the month's last day when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def prize_payment_record(
    award_id: int, *, by: User, paid_on: datetime.date, amount: Decimal, reference: str
) -> PrizePayment:
    """Record the prize as paid: at most the award's prize, never for an award
    without one, once."""
    require_perm(by, "supervision.add_prizepayment")
    award = Award.objects.select_for_update().get(pk=award_id)
    errors: dict[str, list[str]] = {}
    if award.prize_amount <= 0:
        raise ValidationError(
            _("该获奖记录不设奖金（%(basis)s），无需登记拨付。")
            % {"basis": award.get_prize_basis_display()}
        )
    if PrizePayment.objects.filter(award=award).exists():
        raise ValidationError(_("该获奖组织的奖金拨付已登记。"))
    if amount is None or amount <= 0:
        errors.setdefault("amount", []).append(_("拨付金额必须大于零。"))
    elif amount > award.prize_amount:
        errors.setdefault("amount", []).append(
            _("拨付金额不能超过奖金%(prize)s元。") % {"prize": award.prize_amount}
        )
    if paid_on < award.starts_on:
        errors.setdefault("paid_on", []).append(_("拨付日期不能早于获奖公告日期。"))
    if paid_on > timezone.localdate():
        errors.setdefault("paid_on", []).append(_("拨付日期不能晚于今天。"))
    reference = reference.strip()
    if not reference:
        errors.setdefault("reference", []).append(_("请填写拨付凭证号。"))
    if errors:
        raise ValidationError(errors)
    payment = PrizePayment.objects.create(
        award=award, paid_on=paid_on, amount=amount, reference=reference, recorded_by=by
    )
    audit_log_write(
        "prize.pay",
        actor=by,
        obj=payment,
        award=award.pk,
        paid_on=paid_on.isoformat(),
        amount=str(amount),
        reference=reference,
    )
    notify(
        winner_users(award),
        kind="prize.paid",
        subject=PAID[0],
        body=PAID[1],
        params={
            "amount": f"{amount:,.2f}",
            "paid_on": paid_on.isoformat(),
            "months": award.cycle.fund_report_interval_months,
        },
        link=reverse("supervision:award_after", args=[award.pk]),
        dedupe_key=f"prize.paid:{payment.pk}",
    )
    return payment


PAID = (
    gettext_lazy("市长质量奖奖金已拨付"),
    gettext_lazy(
        "奖金%(amount)s元已于%(paid_on)s拨付。奖金应用于持续质量改进、质量攻关、标准制定、"
        "技术攻关、研发投入、人才培训、实验室建设和经验推广（第十三条），"
        "请每%(months)s个月在平台报告一次使用情况。"
    ),
)


@dataclass(frozen=True)
class Due:
    """One due date of a fund report and whether a report covers it."""

    due_on: datetime.date
    period_start: datetime.date
    met: bool
    overdue: bool


def fund_report_dues(award: Award, *, today: datetime.date | None = None) -> list[Due]:
    """The award's report due dates: every `fund_report_interval_months` from the
    payment while the title is valid (not after its end or revocation). A due date
    is met by a report whose period reaches into the period it closes."""
    today = today or timezone.localdate()
    payment = getattr(award, "prize_payment", None)
    if payment is None:
        return []
    months = award.cycle.fund_report_interval_months
    last = award.ends_on if award.revoked_on is None else min(award.ends_on, award.revoked_on)
    ends = sorted(r.period_end for r in award.fund_reports.all())
    dues = []
    start = payment.paid_on
    k = 1
    while True:
        due_on = add_months(payment.paid_on, k * months)
        if due_on > last:
            break
        met = any(end >= start for end in ends)
        dues.append(
            Due(due_on=due_on, period_start=start, met=met, overdue=not met and due_on < today)
        )
        start = due_on
        k += 1
    return dues


def fund_paid_and_used(award: Award) -> tuple[Decimal, Decimal]:
    payment = PrizePayment.objects.filter(award=award).first()
    used = FundReport.objects.filter(award=award).aggregate(s=Sum("total"))["s"] or Decimal("0")
    return (payment.amount if payment else Decimal("0")), used


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None


@transaction.atomic
def fund_report_submit(
    award_id: int,
    *,
    by: User,
    period_start: datetime.date,
    period_end: datetime.date,
    total,
    lines: list[dict],
    summary: str = "",
    evidence: list[Upload] = (),
) -> FundReport:
    """The winner's report: lines per permitted purpose (Art. 13) adding up to the
    total, all reports together within the amount paid; evidence files checked
    before anything is stored."""
    award = (
        Award.objects.select_for_update().select_related("cycle", "organisation").get(pk=award_id)
    )
    require_winner(by, award)
    payment = PrizePayment.objects.filter(award=award).first()
    if payment is None:
        raise ValidationError(_("奖金尚未拨付，暂无需报告使用情况。"))
    errors: dict[str, list[str]] = {}
    total = _decimal(total)
    if total is None or total < 0:
        errors.setdefault("total", []).append(_("请填写有效的合计金额。"))
    if period_end < period_start:
        errors.setdefault("period_end", []).append(_("报告期止不能早于报告期起。"))
    if period_start < payment.paid_on:
        errors.setdefault("period_start", []).append(
            _("报告期不能早于奖金拨付日期%(day)s。") % {"day": payment.paid_on.isoformat()}
        )
    if period_end > timezone.localdate():
        errors.setdefault("period_end", []).append(_("报告期止不能晚于今天。"))
    clean_lines = []
    for number, line in enumerate(lines, start=1):
        purpose = line.get("purpose", "")
        amount = _decimal(line.get("amount"))
        if purpose not in FundPurpose.values:
            errors.setdefault("lines", []).append(
                _("第%(n)d行：用途“%(purpose)s”不在第十三条规定的使用范围内。")
                % {"n": number, "purpose": purpose}
            )
        if amount is None or amount <= 0:
            errors.setdefault("lines", []).append(_("第%(n)d行：金额必须大于零。") % {"n": number})
        clean_lines.append((purpose, amount, (line.get("description") or "").strip()[:200]))
    if not clean_lines:
        errors.setdefault("lines", []).append(_("请至少填写一项用途和金额。"))
    if not errors:
        line_sum = sum((amount for _p, amount, _d in clean_lines), Decimal("0"))
        if line_sum != total:
            errors.setdefault("total", []).append(
                _("各项用途金额之和为%(sum)s元，与填写的合计%(total)s元不一致。")
                % {"sum": line_sum, "total": total}
            )
        _paid, used = fund_paid_and_used(award)
        if used + total > payment.amount:
            errors.setdefault("total", []).append(
                _(
                    "累计报告使用金额%(cumulative)s元超过已拨付奖金%(paid)s元"
                    "（此前已报告%(used)s元）。"
                )
                % {"cumulative": used + total, "paid": payment.amount, "used": used}
            )
    if errors:
        raise ValidationError(errors)
    checked = evidence_check(award, list(evidence))
    report = FundReport.objects.create(
        award=award,
        period_start=period_start,
        period_end=period_end,
        total=total,
        summary=summary.strip(),
        submitted_by=by,
    )
    FundReportLine.objects.bulk_create(
        FundReportLine(report=report, purpose=p, amount=a, description=d) for p, a, d in clean_lines
    )
    evidence_store(award, list(evidence), checked, by=by, source="winner", fund_report=report)
    audit_log_write(
        "fund_report.submit",
        actor=by,
        obj=report,
        award=award.pk,
        period=[period_start.isoformat(), period_end.isoformat()],
        total=str(total),
        lines=[{"purpose": p, "amount": str(a)} for p, a, _d in clean_lines],
    )
    notify(
        office_users(),
        kind="fund_report.submitted",
        subject=SUBMITTED[0],
        body=SUBMITTED[1],
        params={"org": award.organisation.name, "total": str(total)},
        link=reverse("supervision:fund_report_detail", args=[report.pk]),
        dedupe_key=f"fund_report.submitted:{report.pk}",
    )
    return report


SUBMITTED = (
    gettext_lazy("奖金使用情况报告待审核：%(org)s"),
    gettext_lazy("%(org)s提交了奖金使用情况报告（本期合计%(total)s元），请审核。"),
)


REVIEW_CHOICES = ("accept", "questions", "misuse")


@transaction.atomic
def fund_report_review(report_id: int, *, by: User, outcome: str, note: str = "") -> FundReport:
    """The office's review: accepted, questions back to the winner, or misuse
    found, which opens a revocation procedure for breach of the Measures."""
    require_perm(by, "supervision.review_fundreport")
    report = (
        FundReport.objects.select_for_update()
        .select_related("award__organisation")
        .get(pk=report_id)
    )
    if outcome not in REVIEW_CHOICES:
        raise ValidationError({"outcome": _("请选择审核结论。")})
    if report.status not in (FundReport.Status.SUBMITTED,):
        raise ValidationError(
            _("该报告当前状态为“%(status)s”，不能审核。") % {"status": report.get_status_display()}
        )
    note = note.strip()
    if outcome != "accept" and not note:
        raise ValidationError({"note": _("请填写问题或违规使用的事实。")})
    report.status = {
        "accept": FundReport.Status.ACCEPTED,
        "questions": FundReport.Status.QUESTIONS,
        "misuse": FundReport.Status.MISUSE,
    }[outcome]
    report.questions = note
    report.reviewed_by = by
    report.reviewed_at = timezone.now()
    report.save(update_fields=["status", "questions", "reviewed_by", "reviewed_at"])
    audit_log_write("fund_report.review", actor=by, obj=report, outcome=outcome, note=note)
    award = report.award
    notify(
        winner_users(award),
        kind=f"fund_report.{outcome}",
        subject=REVIEWED[outcome][0],
        body=REVIEWED[outcome][1],
        params={"period": f"{report.period_start}—{report.period_end}", "note": note},
        link=reverse("supervision:fund_report_detail", args=[report.pk]),
        dedupe_key=f"fund_report.{outcome}:{report.pk}:{report.reviewed_at.timestamp()}",
    )
    if outcome == "misuse":
        from .revocation import revocation_open

        revocation_open(
            award.pk,
            by=by,
            grounds="breach",
            facts=_("奖金使用情况报告（%(period)s）经审核发现违规使用：%(note)s")
            % {"period": f"{report.period_start}—{report.period_end}", "note": note},
            fund_report=report,
        )
    return report


REVIEWED = {
    "accept": (
        gettext_lazy("奖金使用情况报告已通过"),
        gettext_lazy("您单位%(period)s的奖金使用情况报告已审核通过。%(note)s"),
    ),
    "questions": (
        gettext_lazy("奖金使用情况报告需要答复"),
        gettext_lazy("评审办对您单位%(period)s的奖金使用情况报告提出问题：%(note)s 请在平台答复。"),
    ),
    "misuse": (
        gettext_lazy("奖金使用情况报告发现违规使用"),
        gettext_lazy("评审办审核您单位%(period)s的奖金使用情况报告时发现违规使用：%(note)s"),
    ),
}


@transaction.atomic
def fund_report_answer(
    report_id: int, *, by: User, answer: str, evidence: list[Upload] = ()
) -> FundReport:
    """The winner answers the office's questions; the report is reviewed again."""
    report = (
        FundReport.objects.select_for_update()
        .select_related("award__organisation")
        .get(pk=report_id)
    )
    award = report.award
    require_winner(by, award)
    if report.status != FundReport.Status.QUESTIONS:
        raise ValidationError(_("该报告没有待答复的问题。"))
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("请填写答复内容。")})
    checked = evidence_check(award, list(evidence))
    report.answer = (report.answer + "\n\n" if report.answer else "") + answer
    report.answered_at = timezone.now()
    report.status = FundReport.Status.SUBMITTED
    report.save(update_fields=["answer", "answered_at", "status"])
    evidence_store(award, list(evidence), checked, by=by, source="winner", fund_report=report)
    audit_log_write("fund_report.answer", actor=by, obj=report, answer=answer)
    notify(
        office_users(),
        kind="fund_report.answered",
        subject=ANSWERED[0],
        body=ANSWERED[1],
        params={"org": award.organisation.name},
        link=reverse("supervision:fund_report_detail", args=[report.pk]),
        dedupe_key=f"fund_report.answered:{report.pk}:{report.answered_at.timestamp()}",
    )
    return report


ANSWERED = (
    gettext_lazy("奖金使用情况报告已答复：%(org)s"),
    gettext_lazy("%(org)s已答复评审办对奖金使用情况报告提出的问题，请再次审核。"),
)
