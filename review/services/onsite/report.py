"""The team's scores, the report, the applicant's confirmation and the
submission to the office."""

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Case, CaseDocument
from applications.notices import audience_users
from hengyang_award.core.models import ScoringItem, User
from hengyang_award.core.roles import Role
from hengyang_award.core.scoring import allowed_percents
from hengyang_award.core.services import audit_log_write
from hengyang_award.jobs.outbox import outbox_enqueue
from hengyang_award.notifications.services import notify

from ...models import Assignment, Consensus, ConsensusEntry, OnsiteReport, Reviewer
from ...selectors_onsite import (
    DOCUMENT,
    ONSITE,
    onsite_report_missing,
    onsite_score_rows,
    onsite_team,
    onsite_total,
)
from .common import (
    LEADER_SECTIONS,
    MEMBER_SECTIONS,
    Confirmation,
    locked_case,
    open_for_edit,
    place_of,
    report_locked,
    require_onsite,
)


def _onsite_consensus(case: Case, leader: Reviewer) -> Consensus:
    """The team's scores, started from the document consensus: its percentages,
    strengths and opportunities."""
    consensus, created = Consensus.objects.get_or_create(
        case=case, stage=ONSITE, defaults={"leader": leader}
    )
    if created:
        document = {
            e.item_code: e
            for e in ConsensusEntry.objects.filter(consensus__case=case, consensus__stage=DOCUMENT)
        }
        ConsensusEntry.objects.bulk_create(
            ConsensusEntry(
                consensus=consensus,
                item_code=code,
                percent=document[code].percent if code in document else None,
                strengths=list(document[code].strengths) if code in document else [],
                opportunities=list(document[code].opportunities) if code in document else [],
            )
            for code in ScoringItem.objects.values_list("code", flat=True)
        )
    return Consensus.objects.select_for_update().get(pk=consensus.pk)


def _lines(value) -> list[str]:
    return [str(line).strip() for line in value if str(line).strip()]


@transaction.atomic
def onsite_scores_save(case_id: int, *, by: User, entries: Mapping[str, Mapping]) -> Consensus:
    """The leader records the team's scores: `entries` maps an item code to its
    `percent` (or None), `evidence`, and optionally `strengths` and
    `opportunities` (lists). A score that differs from the document consensus
    needs the evidence verified on site."""
    case = locked_case(case_id)
    leader = place_of(case, by, leader=True)
    require_onsite(case)
    report = report_locked(case)
    reset = open_for_edit(report, by=by)
    consensus = _onsite_consensus(case, leader.reviewer)
    baseline = {
        row.item.code: row.document_percent for row in onsite_score_rows(case) if row.document
    }
    items = {i.code: i for i in ScoringItem.objects.all()}
    rows = {e.item_code: e for e in consensus.entries.all()}
    allowed = set(allowed_percents())
    errors, changed = [], []
    for code, values in entries.items():
        item = items.get(code)
        if item is None or code not in rows:
            errors.append(_("未知的评分条款：%(code)s。") % {"code": code})
            continue
        percent = values.get("percent")
        evidence = str(values.get("evidence") or "").strip()
        if percent is not None and percent not in allowed:
            errors.append(_("条款%(code)s的得分须为0到100之间5的倍数。") % {"code": code})
            continue
        if percent != baseline.get(code) and not evidence:
            errors.append(
                _("条款%(code)s %(name)s的现场得分与资料评审共识不同，请填写现场核实的证据。")
                % {"code": code, "name": item.name}
            )
            continue
        entry = rows[code]
        if entry.percent != percent:
            changed.append(code)
        entry.percent = percent
        entry.evidence = evidence
        if "strengths" in values:
            entry.strengths = _lines(values["strengths"])
        if "opportunities" in values:
            entry.opportunities = _lines(values["opportunities"])
    if errors:
        raise ValidationError(errors)
    ConsensusEntry.objects.bulk_update(
        rows.values(), ["percent", "evidence", "strengths", "opportunities"]
    )
    consensus.total = onsite_total(onsite_score_rows(case))
    consensus.leader = leader.reviewer
    consensus.save(update_fields=["total", "leader"])
    if reset:
        report.save(update_fields=["updated_at", *reset])
    audit_log_write("review.onsite_scores_save", actor=by, obj=consensus, changed=changed)
    return consensus


@transaction.atomic
def onsite_report_save(
    case_id: int, *, by: User, version: str | None = None, **sections: str
) -> OnsiteReport:
    """Write sections of the report. The leader writes every section; members
    write the fact-finding sections (MEMBER_SECTIONS). `version` is the
    `updated_at` the editor started from: a report changed since is refused, so a
    member's text is never silently overwritten."""
    case = locked_case(case_id)
    place = place_of(case, by, leader=False)
    require_onsite(case)
    allowed = LEADER_SECTIONS if place.role == Assignment.Role.LEADER else MEMBER_SECTIONS
    unknown = set(sections) - set(LEADER_SECTIONS)
    if unknown:
        raise TypeError(f"unknown report sections: {sorted(unknown)}")
    if set(sections) - set(allowed):
        raise PermissionDenied(_("结论、建议和否决性发现由组长填写。"))
    recommendation = sections.get("recommendation")
    if recommendation and recommendation not in OnsiteReport.Recommendation.values:
        raise ValidationError({"recommendation": _("请选择有效的评审组建议。")})
    report = report_locked(case)
    if version is not None and version != report.updated_at.isoformat():
        raise ValidationError(_("报告已被评审组其他成员修改，请刷新页面后重新填写。"))
    reset = open_for_edit(report, by=by)
    for field, value in sections.items():
        setattr(report, field, (value or "").strip())
    report.save(update_fields=[*sections, "updated_at", *reset])
    audit_log_write("review.onsite_report_save", actor=by, obj=report, sections=sorted(sections))
    return report


@transaction.atomic
def onsite_report_send_for_confirmation(case_id: int, *, by: User) -> OnsiteReport:
    """The leader hands the finished report to the applicant for confirmation."""
    case = locked_case(case_id)
    place_of(case, by, leader=True)
    require_onsite(case)
    report = report_locked(case)
    if report.submitted_at is not None:
        raise ValidationError(_("现场评审报告已提交评审办。"))
    if report.sent_for_confirmation_at is not None and report.confirmation == Confirmation.PENDING:
        raise ValidationError(_("报告已发送申报单位，正在等待确认。"))
    missing = onsite_report_missing(case, report)
    if missing:
        raise ValidationError(missing)
    report.sent_for_confirmation_at = timezone.now()
    report.confirmation = Confirmation.PENDING
    report.confirmation_note = ""
    report.confirmed_at = None
    report.confirmed_by = None
    report.save(
        update_fields=[
            "sent_for_confirmation_at",
            "confirmation",
            "confirmation_note",
            "confirmed_at",
            "confirmed_by",
            "updated_at",
        ]
    )
    audit_log_write("review.onsite_report_send", actor=by, obj=report)
    notify(
        audience_users(case, "organisation"),
        kind="review.onsite_confirmation",
        subject=REPORT_SENT[0],
        body=REPORT_SENT[1],
        params={"n": case.cycle.confirmation_working_days},
        link=reverse("review:onsite_confirm", args=[case.pk]),
        dedupe_key=f"onsite-confirm:{report.pk}:{report.sent_for_confirmation_at.isoformat()}",
    )
    return report


@transaction.atomic
def onsite_report_confirm(case_id: int, *, by: User, agree: bool, note: str = "") -> OnsiteReport:
    """The applicant confirms the report (确认), or records its disagreement,
    point by point in `note`."""
    case = locked_case(case_id)
    if by.organisation_id != case.organisation_id or not by.has_role(Role.APPLICANT):
        raise PermissionDenied(_("只有申报单位的用户可以确认现场评审报告。"))
    require_onsite(case)
    report = OnsiteReport.objects.select_for_update().filter(case=case).first()
    if (
        report is None
        or report.sent_for_confirmation_at is None
        or report.confirmation != Confirmation.PENDING
    ):
        raise ValidationError(_("没有等待确认的现场评审报告。"))
    note = note.strip()
    if not agree and not note:
        raise ValidationError({"note": _("如有不同意见，请逐条写明。")})
    report.confirmation = Confirmation.CONFIRMED if agree else Confirmation.DISAGREED
    report.confirmation_note = note
    report.confirmed_at = timezone.now()
    report.confirmed_by = by
    report.save(
        update_fields=[
            "confirmation",
            "confirmation_note",
            "confirmed_at",
            "confirmed_by",
            "updated_at",
        ]
    )
    audit_log_write("review.onsite_report_confirm", actor=by, obj=report, agree=agree, note=note)
    leader = [a.reviewer.user for a in onsite_team(case) if a.role == Assignment.Role.LEADER]
    notify(
        leader,
        kind="review.onsite_confirmed",
        subject=CONFIRMED[0] if agree else DISAGREED[0],
        body=CONFIRMED[1] if agree else DISAGREED[1],
        params={"org": case.organisation.name},
        link=reverse("review:onsite_report", args=[case.pk]),
        dedupe_key=f"onsite-confirmed:{report.pk}:{report.confirmed_at.isoformat()}",
    )
    return report


@transaction.atomic
def onsite_report_submit(case_id: int, *, by: User) -> OnsiteReport:
    """The leader submits the confirmed report to the office: the team's scores
    are final, the report's PDF is queued, and the office may then finish the
    on-site review (see the module's docstring)."""
    case = locked_case(case_id)
    place_of(case, by, leader=True)
    require_onsite(case)
    report = report_locked(case)
    if report.submitted_at is not None:
        raise ValidationError(_("现场评审报告已提交评审办。"))
    reasons = []
    if report.sent_for_confirmation_at is None:
        reasons.append(_("报告尚未发送申报单位确认。"))
    elif report.confirmation == Confirmation.PENDING:
        reasons.append(_("申报单位尚未确认现场评审报告。"))
    reasons += onsite_report_missing(case, report)
    if reasons:
        raise ValidationError(reasons)
    now = timezone.now()
    report.submitted_at = now
    report.save(update_fields=["submitted_at", "updated_at"])
    consensus = Consensus.objects.select_for_update().get(case=case, stage=ONSITE)
    consensus.status = Consensus.Status.SUBMITTED
    consensus.submitted_at = now
    consensus.total = onsite_total(onsite_score_rows(case))
    consensus.save(update_fields=["status", "submitted_at", "total"])
    kind = CaseDocument.Kind.ONSITE_REPORT
    outbox_enqueue(
        "pdf.render_case_document",
        dedupe_key=f"document:{case.pk}:{kind}:{case.submission_round}",
        case_id=case.pk,
        kind=kind,
    )
    audit_log_write("review.onsite_report_submit", actor=by, obj=report, total=str(consensus.total))
    notify(
        audience_users(case, "office"),
        kind="review.onsite_submitted",
        subject=SUBMITTED[0],
        body=SUBMITTED[1],
        params={"org": case.organisation.name},
        link=reverse("applications:case_detail", args=[case.pk]),
        dedupe_key=f"onsite-submitted:{report.pk}",
    )
    return report


REPORT_SENT = (
    gettext_lazy("请确认现场评审报告"),
    gettext_lazy(
        "现场评审组已完成现场评审报告，请在%(n)s个工作日内登录系统确认，如有不同意见请逐条写明。"
    ),
)
CONFIRMED = (
    gettext_lazy("申报单位已确认现场评审报告：%(org)s"),
    gettext_lazy("%(org)s已确认现场评审报告，请在时限内提交评审办。"),
)
DISAGREED = (
    gettext_lazy("申报单位对现场评审报告有不同意见：%(org)s"),
    gettext_lazy(
        "%(org)s对现场评审报告提出了不同意见，请查看后修改并重新发送，或附不同意见提交评审办。"
    ),
)
SUBMITTED = (
    gettext_lazy("现场评审报告已提交：%(org)s"),
    gettext_lazy("%(org)s的现场评审报告已由组长提交，可办理“现场评审完成”。"),
)
