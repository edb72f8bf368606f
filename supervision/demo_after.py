"""Demo data after the award, through the real services: `seed_demo` calls
`after_award_demo` once the awards exist. The first award gets its prize paid, two
use reports (one accepted) and an inspection with a follow-up; the second is
revoked for fraud (notice, recovery partly done, ban). Idempotent."""

import datetime
from decimal import Decimal

from django.utils import timezone

from hengyang_award.core.models import User
from hengyang_award.core.roles import Role

from .models import Award, PrizePayment, RecoveryTask, Revocation
from .services import (
    fund_report_review,
    fund_report_submit,
    inspection_plan,
    inspection_record,
    prize_payment_record,
    recovery_complete,
    revocation_city_decide,
    revocation_committee_decide,
    revocation_findings_record,
    revocation_open,
    revocation_statement_file,
)


def _winner_user(award: Award) -> User | None:
    return (
        User.objects.filter(
            organisation=award.organisation_id, groups__name=Role.APPLICANT, is_active=True
        )
        .order_by("pk")
        .first()
    )


def _fund_demo(award: Award, *, office: User, today: datetime.date) -> None:
    applicant = _winner_user(award)
    if award.prize_amount <= 0 or applicant is None:
        return
    if not PrizePayment.objects.filter(award=award).exists():
        prize_payment_record(
            award.pk,
            by=office,
            paid_on=award.starts_on,
            amount=award.prize_amount,
            reference=f"衡财拨〔{award.starts_on.year}〕{award.pk}号",
        )
    if award.fund_reports.exists():
        return
    payment = PrizePayment.objects.get(award=award)
    quarter = (payment.amount / 4).quantize(Decimal("0.01"))
    first = fund_report_submit(
        award.pk,
        by=applicant,
        period_start=payment.paid_on,
        period_end=today,
        total=quarter * 2,
        lines=[
            {"purpose": "continuous_improvement", "amount": quarter, "description": "QC小组活动"},
            {"purpose": "training", "amount": quarter, "description": "卓越绩效内审员培训"},
        ],
        summary="奖金用于质量改进项目和人员培训。",
    )
    fund_report_review(first.pk, by=office, outcome="accept", note="用途符合第十三条。")
    fund_report_submit(
        award.pk,
        by=applicant,
        period_start=today,
        period_end=today,
        total=quarter,
        lines=[{"purpose": "laboratory", "amount": quarter, "description": "计量实验室设备"}],
    )


def _inspection_demo(award: Award, *, office: User, today: datetime.date) -> None:
    if award.inspections.exists():
        return
    inspection = inspection_plan(
        award.pk,
        by=office,
        planned_on=today,
        inspectors="王监督、李检查",
        scope="称号使用、质量管理体系运行和奖金使用情况。",
    )
    inspection_record(
        inspection.pk,
        by=office,
        held_on=today,
        findings="官网宣传引用称号时未注明获奖年度。",
        follow_up="在所有宣传材料中注明获奖年度，并报送整改情况。",
        follow_up_due=today + datetime.timedelta(days=30),
    )


def _revocation_demo(award: Award, *, office: User, director: User) -> None:
    if award.revoked_on is not None or Revocation.objects.filter(award=award).exists():
        return
    today = timezone.localdate()
    if award.prize_amount > 0 and not PrizePayment.objects.filter(award=award).exists():
        # Paid before the fraud came to light: the prize is clawed back.
        prize_payment_record(
            award.pk,
            by=office,
            paid_on=award.starts_on,
            amount=award.prize_amount,
            reference=f"衡财拨〔{award.starts_on.year}〕{award.pk}号",
        )
    revocation = revocation_open(
        award.pk,
        by=office,
        grounds=Revocation.Grounds.FRAUD,
        facts="经群众举报并核实，该组织申报材料中的第三方检测报告系伪造。",
    )
    applicant = _winner_user(award)
    if applicant is not None:
        revocation_statement_file(
            revocation.pk, by=applicant, statement="我单位对检测报告问题无异议，接受处理。"
        )
    revocation_findings_record(
        revocation.pk, by=office, findings="经向检测机构核实，报告编号不存在，系伪造。"
    )
    revocation_committee_decide(
        revocation.pk, by=director, decision="revoke", note="评审委员会审议同意撤销。"
    )
    revocation = revocation_city_decide(
        revocation.pk,
        by=office,
        decision="revoke",
        number=f"衡政发〔{today.year}〕{award.pk + 90}号",
        decided_on=today,
        note="市人民政府批准撤销其市长质量奖称号。",
        recovery_due_on=today + datetime.timedelta(days=30),
    )
    # Partly done: the certificate is back, the prize (if any) still owed.
    certificate = revocation.recovery_tasks.get(kind=RecoveryTask.Kind.CERTIFICATE)
    recovery_complete(certificate.pk, by=office, completed_on=today, note="证书已交回。")


def after_award_demo(awards, *, office: User, director: User, mayor: User | None = None) -> None:
    """`mayor` is accepted for the seed's symmetry: the city government's decision
    is recorded by the office with its document number."""
    awards = list(awards)
    today = timezone.localdate()
    if awards:
        _fund_demo(awards[0], office=office, today=today)
        _inspection_demo(awards[0], office=office, today=today)
    if len(awards) > 1:
        _revocation_demo(awards[1], office=office, director=director)
