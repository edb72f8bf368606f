"""Conflicts of interest, the recorded random draw, assignments and recusal
(Art. 24-25). Every write is audited; a reviewer's access to a case file is the
guardian grant given here on assignment and taken away here on recusal or
replacement."""

import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.shortcuts import assign_perm, remove_perm

from applications.models import Case
from applications.notices import OFFICE, audience_users
from applications.workflow import CaseState
from hengyang_award.core.models import User
from hengyang_award.core.services import audit_log_write
from hengyang_award.notifications.services import notify

from ..conflicts import (
    SOURCE_DECLARED,
    SOURCE_DETECTED,
    SOURCE_OFFICE,
    cleared_reviewer_ids,
    conflicts_by_reviewer,
    declared_reason,
    normalise_name,
    recused_reviewer_ids,
)
from ..models import Assignment, AssignmentDraw, ConflictFlag, Reviewer
from ..selectors_assignment import draw_pick, review_deadline, reviewer_loads, team_size

# The object rights an assigned reviewer holds on the case, and loses on recusal.
CASE_PERMISSIONS = ("view_case", "review_case")
# The case states in which each stage's team may be formed or changed.
ASSIGNABLE_STATES = {
    Assignment.Stage.DOCUMENT: (CaseState.ACCEPTED, CaseState.DOCUMENT_REVIEW),
    Assignment.Stage.ONSITE: (CaseState.DOCUMENT_REVIEW, CaseState.ONSITE_REVIEW),
}
ACTIVE = Assignment.Status.ACTIVE
LEADER = Assignment.Role.LEADER
PENDING = ConflictFlag.Decision.PENDING
RECUSE = ConflictFlag.Decision.RECUSE
CLEARED = ConflictFlag.Decision.CLEARED
DRAW_BASIS_INDUSTRY, DRAW_BASIS_ALL = "industry", "all"

ASSIGNED = (
    gettext_lazy("评审任务：%(org)s"),
    gettext_lazy(
        "您被指派为%(org)s（%(cycle)s）%(stage)s的%(role)s。打开申报材料前，请先签署"
        "公正性和保密声明，并如实申报与该单位的利害关系。%(due)s"
    ),
)
ASSIGNED_DUE = gettext_lazy("评分须在%(date)s前完成。")
RECUSED = (
    gettext_lazy("您已回避：%(org)s"),
    gettext_lazy("根据利害关系回避规定，您不再参加%(org)s的%(stage)s，该案卷已对您关闭。"),
)
REPLACE_NEEDED = (
    gettext_lazy("需指派替补评审员：%(org)s"),
    gettext_lazy(
        "评审员%(reviewer)s已就%(org)s回避（%(stage)s），理由：%(reason)s。请指派替补评审员。"
    ),
)
REPLACED = (
    gettext_lazy("评审任务调整：%(org)s"),
    gettext_lazy("评审办已调整%(org)s的%(stage)s评审组，您不再承担该任务，该案卷已对您关闭。"),
)
DECLARED = (
    gettext_lazy("评审员申报利害关系：%(org)s"),
    gettext_lazy("评审员%(reviewer)s申报了与%(org)s的利害关系：%(text)s。请核实后决定回避或排除。"),
)

_CONSTRAINT_MESSAGES = {
    "one_active_leader_per_case_stage": gettext_lazy(
        "该阶段评审组已有组长，每个评审组只能有一名组长。"
    ),
    "one_active_assignment_per_reviewer_case_stage": gettext_lazy(
        "该评审员已在本案该阶段的评审组中。"
    ),
}


# --- helpers ------------------------------------------------------------------------
def _require(by: User, permission: str) -> None:
    if not by.has_perm(permission):
        raise PermissionDenied(_("只有评审办工作人员可以组织评审和处理回避。"))


def _stage(stage: str) -> str:
    if stage not in Assignment.Stage.values:
        raise ValidationError(_("未知的评审阶段。"))
    return stage


def _locked_case(case_id: int) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("cycle", "organisation")
        .get(pk=case_id)
    )


def _check_state(case: Case, stage: str) -> None:
    if case.state not in ASSIGNABLE_STATES[stage]:
        raise ValidationError(
            _("案卷当前状态为“%(state)s”，不能调整%(stage)s评审组。")
            % {"state": case.get_state_display(), "stage": Assignment.Stage(stage).label}
        )


def _stored(func, *args, **kwargs):
    """Text kept in the database (flag reasons, draw exclusions) is written in the
    site's language, whatever the language of the user acting."""
    with translation.override(settings.LANGUAGE_CODE):
        return func(*args, **kwargs)


NO_ACCOUNT = gettext_lazy("没有可用的登录账号。")
ON_TEAM = gettext_lazy("已在本案该阶段的评审组中。")
RECUSED_HERE = gettext_lazy("已就本案回避。")


def _flags_raise(case: Case, found: dict[int, list[str]], *, by: User) -> list[ConflictFlag]:
    """A pending flag for each detected reason not flagged before on this case."""
    if not found:
        return []
    existing = set(
        ConflictFlag.objects.filter(case=case, reviewer__in=list(found)).values_list(
            "reviewer_id", "reason"
        )
    )
    created = []
    for reviewer_id, reasons in found.items():
        for reason in reasons:
            if (reviewer_id, reason) in existing:
                continue
            flag = ConflictFlag.objects.create(
                case=case, reviewer_id=reviewer_id, reason=reason, source=SOURCE_DETECTED
            )
            audit_log_write(
                "review.conflict_flag",
                actor=by,
                obj=flag,
                case=case.pk,
                reviewer=reviewer_id,
                source=SOURCE_DETECTED,
                reason=reason,
            )
            created.append(flag)
    return created


def _grant(case: Case, user: User) -> list[str]:
    perms = [f"applications.{perm}" for perm in CASE_PERMISSIONS]
    for perm in perms:
        assign_perm(perm, user, case)
    return perms


def _revoke(case: Case, user: User | None) -> list[str]:
    if user is None:
        return []
    perms = [f"applications.{perm}" for perm in CASE_PERMISSIONS]
    for perm in perms:
        remove_perm(perm, user, case)
    return perms


def _params(case: Case, **extra) -> dict:
    return {"org": case.organisation.name, "cycle": lambda: case.cycle.title, **extra}


def _office_link(case: Case) -> str:
    return reverse("review:assign_case", args=[case.pk])


# --- draw -----------------------------------------------------------------------------
@transaction.atomic
def draw_suggest(
    case_id: int,
    *,
    by: User,
    stage: str = Assignment.Stage.DOCUMENT,
    count: int | None = None,
    seed: str | None = None,
) -> AssignmentDraw:
    """Suggest reviewers at random and record how: the pool (active reviewers of
    the applicant's industry, or all active ones when those are too few), who was
    excluded and why, each candidate's load, the seed and the result. Reviewers
    with the fewest active assignments in the cycle come first; ties are random.
    Likely conflicts found on the way become pending flags for the office."""
    _require(by, "review.add_assignment")
    stage = _stage(stage)
    case = _locked_case(case_id)
    _check_state(case, stage)
    on_team = set(
        Assignment.objects.filter(case=case, stage=stage, status=ACTIVE).values_list(
            "reviewer_id", flat=True
        )
    )
    if count is None:
        count = team_size(case.cycle, stage) - len(on_team)
    if count < 1:
        raise ValidationError(_("评审组人数已满，无需抽取。"))

    reviewers = list(
        Reviewer.objects.filter(status=Reviewer.Status.ACTIVE).select_related("user").order_by("pk")
    )
    conflicts = _stored(conflicts_by_reviewer, case, reviewers)
    recused = recused_reviewer_ids(case)
    cleared = cleared_reviewer_ids(case)

    def exclusions(reviewer: Reviewer) -> list[str]:
        reasons = []
        if reviewer.user is None or not reviewer.user.is_active:
            reasons.append(_stored(str, NO_ACCOUNT))
        if reviewer.pk in on_team:
            reasons.append(_stored(str, ON_TEAM))
        if reviewer.pk in recused:
            reasons.append(_stored(str, RECUSED_HERE))
        elif reviewer.pk not in cleared:
            reasons.extend(conflicts.get(reviewer.pk, ()))
        return reasons

    industry = normalise_name(case.organisation.industry)
    matching = [
        r for r in reviewers if industry and industry in map(normalise_name, r.industry_list)
    ]
    basis, pool = DRAW_BASIS_INDUSTRY, matching
    if sum(1 for r in matching if not exclusions(r)) < count:
        basis, pool = DRAW_BASIS_ALL, reviewers
    excluded = {str(r.pk): found for r in pool if (found := exclusions(r))}
    candidates = [r.pk for r in pool if str(r.pk) not in excluded]
    loads = reviewer_loads(case.cycle, candidates)
    seed = seed or secrets.token_hex(16)
    result = draw_pick(candidates, loads=loads, count=count, seed=seed)
    draw = AssignmentDraw.objects.create(
        case=case,
        stage=stage,
        pool={
            "basis": basis,
            "industry": case.organisation.industry,
            "ids": [r.pk for r in pool],
            "candidates": candidates,
            "loads": {str(pk): n for pk, n in loads.items()},
            "count": count,
        },
        excluded=excluded,
        seed=seed,
        result=result,
        drawn_by=by,
    )
    # Flags for the pool and for the team already formed (a relation recorded
    # after assignment must reach the office too); recused reviewers are out anyway.
    watched = {r.pk for r in pool} | on_team
    _flags_raise(
        case,
        {pk: reasons for pk, reasons in conflicts.items() if pk in watched and pk not in recused},
        by=by,
    )
    audit_log_write(
        "review.draw",
        actor=by,
        obj=draw,
        case=case.pk,
        stage=stage,
        basis=basis,
        pool=len(pool),
        excluded=sorted(int(pk) for pk in excluded),
        seed=seed,
        result=result,
    )
    return draw


def draw_confirm(
    draw_id: int, *, by: User, reviewer_ids: Iterable[int], leader_id: int | None = None
) -> list[Assignment]:
    """Assign the reviewers the office keeps from a draw's result (all or some),
    one of them as leader if the stage has none yet."""
    _require(by, "review.add_assignment")
    draw = AssignmentDraw.objects.get(pk=draw_id)
    wanted = {int(pk) for pk in reviewer_ids}
    result = [int(pk) for pk in draw.result]
    if not wanted:
        raise ValidationError(_("请至少选择一名抽取结果中的评审员。"))
    if not wanted <= set(result):
        raise ValidationError(_("只能确认本次抽取结果中的评审员。"))
    if leader_id is not None and leader_id not in wanted:
        raise ValidationError(_("组长须从确认的评审员中选定。"))
    for pk in sorted(wanted):
        _conflict_gate(draw.case_id, pk, by=by)
    with transaction.atomic():
        return _draw_assign(draw, by=by, wanted=wanted, leader_id=leader_id)


def _draw_assign(
    draw: AssignmentDraw, *, by: User, wanted: set[int], leader_id: int | None
) -> list[Assignment]:
    created = [
        assignment_create(
            draw.case_id,
            reviewer_id=pk,
            stage=draw.stage,
            role=LEADER if pk == leader_id else Assignment.Role.MEMBER,
            by=by,
            draw=draw,
        )
        for pk in (int(pk) for pk in draw.result)
        if pk in wanted
    ]
    audit_log_write(
        "review.draw_confirm",
        actor=by,
        obj=draw,
        case=draw.case_id,
        assigned=[a.reviewer_id for a in created],
        leader=leader_id,
    )
    return created


# --- assignment ---------------------------------------------------------------------
def assignment_create(
    case_id: int,
    *,
    reviewer_id: int,
    stage: str,
    role: str,
    by: User,
    reason: str = "",
    draw: AssignmentDraw | None = None,
) -> Assignment:
    """Put a reviewer on a case's team for a stage and open the case file to them
    (after they sign the declaration). Refused for reviewers not in service, for
    a full team, a second leader, and for likely conflicts the office has not
    cleared: those become pending flags (kept even though the assignment is
    refused) so the office can examine them. Without a draw, a reason is required."""
    _require(by, "review.add_assignment")
    stage = _stage(stage)
    if role not in Assignment.Role.values:
        raise ValidationError(_("未知的评审角色。"))
    # Likely conflicts are flagged whatever else is wrong with the request.
    _conflict_gate(case_id, reviewer_id, by=by)
    reason = reason.strip()
    if draw is None and not reason:
        raise ValidationError({"reason": _("人工指定或调整评审员须填写理由。")})
    if draw is not None and (
        draw.case_id != case_id or draw.stage != stage or reviewer_id not in draw.result
    ):
        raise ValidationError(_("该评审员不在本次抽取结果中。"))
    with transaction.atomic():
        case = _locked_case(case_id)
        _check_state(case, stage)
        reviewer = _reviewer(reviewer_id)
        _check_reviewer(case, reviewer)
        if _uncleared_conflicts(case, reviewer):
            # Recorded between the gate and the lock: refuse without a second flag.
            raise ValidationError(
                _("评审员%(name)s可能与申报组织存在利害关系，不能指派。") % {"name": reviewer.name}
            )
        return _assignment_insert(
            case, reviewer, stage=stage, role=role, by=by, reason=reason, draw=draw
        )


def _reviewer(reviewer_id: int) -> Reviewer:
    reviewer = Reviewer.objects.select_related("user").filter(pk=reviewer_id).first()
    if reviewer is None:
        raise ValidationError(_("评审员不存在。"))
    return reviewer


def _uncleared_conflicts(case: Case, reviewer: Reviewer) -> list[str]:
    found = _stored(conflicts_by_reviewer, case, [reviewer]).get(reviewer.pk, [])
    if found and reviewer.pk not in cleared_reviewer_ids(case):
        return found
    return []


def _conflict_gate(case_id: int, reviewer_id: int, *, by: User) -> None:
    """Refuse a reviewer with likely conflicts the office has not cleared. The
    flags raised on the way are committed before the refusal (unless the caller
    holds a transaction that the refusal rolls back), so the office finds them
    in its list and can examine them."""
    with transaction.atomic():
        case = Case.objects.select_related("organisation", "cycle").get(pk=case_id)
        reviewer = _reviewer(reviewer_id)
        _check_reviewer(case, reviewer)
        found = _uncleared_conflicts(case, reviewer)
        if not found:
            return
        _flags_raise(case, {reviewer.pk: found}, by=by)
    raise ValidationError(
        [
            _("评审员%(name)s可能与申报组织存在利害关系，不能指派：") % {"name": reviewer.name},
            *found,
            _("已生成利害关系提示。如经核实无利害关系，请先在提示中排除并说明，再行指派。"),
        ]
    )


def _check_reviewer(case: Case, reviewer: Reviewer) -> None:
    if reviewer.status != Reviewer.Status.ACTIVE:
        raise ValidationError(
            _("评审员%(name)s当前状态为“%(status)s”，不能指派。")
            % {"name": reviewer.name, "status": reviewer.get_status_display()}
        )
    if reviewer.user is None or not reviewer.user.is_active:
        raise ValidationError(
            _("评审员%(name)s没有可用的登录账号，不能指派。") % {"name": reviewer.name}
        )
    if reviewer.pk in recused_reviewer_ids(case):
        raise ValidationError(
            _("评审员%(name)s已就本案回避，不能再指派。") % {"name": reviewer.name}
        )


def _assignment_insert(
    case: Case,
    reviewer: Reviewer,
    *,
    stage: str,
    role: str,
    by: User,
    reason: str,
    draw: AssignmentDraw | None,
) -> Assignment:
    size = team_size(case.cycle, stage)
    if Assignment.objects.filter(case=case, stage=stage, status=ACTIVE).count() >= size:
        raise ValidationError(
            _("%(stage)s评审组已有%(n)d人，达到本届规定人数，不能再增加。")
            % {"stage": Assignment.Stage(stage).label, "n": size}
        )
    # The database constraints decide "one leader" and "once per stage", so two
    # offices acting at once cannot both succeed; the refusal is made readable.
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                case=case,
                reviewer=reviewer,
                stage=stage,
                role=role,
                draw=draw,
                reason=reason,
                assigned_by=by,
            )
    except IntegrityError as exc:
        message = next(
            (str(m) for name, m in _CONSTRAINT_MESSAGES.items() if name in str(exc)), None
        )
        if message is None:
            raise
        raise ValidationError(message) from exc
    granted = _grant(case, reviewer.user)
    audit_log_write(
        "review.assign",
        actor=by,
        obj=assignment,
        case=case.pk,
        reviewer=reviewer.pk,
        stage=stage,
        role=role,
        draw=draw.pk if draw else None,
        reason=reason,
        granted=granted,
    )
    deadline = review_deadline(assignment, today=timezone.localdate())
    due = (lambda: ASSIGNED_DUE % {"date": deadline.due_on.isoformat()}) if deadline else ""
    notify(
        [reviewer.user],
        kind="review.assigned",
        subject=ASSIGNED[0],
        body=ASSIGNED[1],
        params=_params(
            case,
            stage=assignment.get_stage_display,
            role=assignment.get_role_display,
            due=due,
        ),
        link=reverse("review:assign_declare", args=[assignment.pk]),
        dedupe_key=f"review.assigned:{assignment.pk}",
    )
    return assignment


@transaction.atomic
def assignment_declare(
    assignment_id: int, *, by: User, relations_text: str, no_conflict: bool
) -> Assignment:
    """The reviewer signs the impartiality and confidentiality declaration for
    this assignment and declares any relation to the applicant. A declared
    relation becomes a pending flag and the office is told; a relation found
    later may be declared after signing, too."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("reviewer", "case__organisation", "case__cycle")
        .get(pk=assignment_id)
    )
    if by.pk is None or assignment.reviewer.user_id != by.pk:
        raise PermissionDenied(_("声明只能由被指派的评审员本人签署。"))
    if assignment.status != ACTIVE:
        raise ValidationError(_("该评审任务已结束。"))
    text = relations_text.strip()
    if no_conflict and text:
        raise ValidationError(
            {"relations_text": _("声明与申报组织无利害关系时，不应填写利害关系说明。")}
        )
    if not no_conflict and not text:
        raise ValidationError({"relations_text": _("请说明与申报组织的利害关系。")})
    if no_conflict and assignment.declared_at is not None:
        raise ValidationError(_("您已签署过本案的声明。"))
    first = assignment.declared_at is None
    if first:
        assignment.declared_at = timezone.now()
    if text:
        assignment.declared_relations = "\n".join(
            part for part in (assignment.declared_relations, text) if part
        )
    assignment.save(update_fields=["declared_at", "declared_relations"])
    case = assignment.case
    audit_log_write(
        "review.declare",
        actor=by,
        obj=assignment,
        case=case.pk,
        signed=first,
        no_conflict=no_conflict,
        relations=text,
    )
    if text:
        flag = ConflictFlag.objects.create(
            case=case,
            reviewer=assignment.reviewer,
            reason=_stored(declared_reason, text),
            source=SOURCE_DECLARED,
        )
        audit_log_write(
            "review.conflict_flag",
            actor=by,
            obj=flag,
            case=case.pk,
            reviewer=assignment.reviewer_id,
            source=SOURCE_DECLARED,
            reason=flag.reason,
        )
        notify(
            audience_users(case, OFFICE),
            kind="review.conflict_declared",
            subject=DECLARED[0],
            body=DECLARED[1],
            params=_params(case, reviewer=assignment.reviewer.name, text=text),
            link=_office_link(case),
            dedupe_key=f"review.flag:{flag.pk}",
        )
    return assignment


# --- conflicts and recusal ------------------------------------------------------------
@transaction.atomic
def conflict_decide(flag_id: int, *, by: User, decision: str, note: str) -> ConflictFlag:
    """The office's decision on a flag: recuse (the reviewer leaves the case at
    once, every stage) or clear it, which needs a note of what was checked."""
    _require(by, "review.change_conflictflag")
    flag = (
        ConflictFlag.objects.select_for_update(of=("self",))
        .select_related("reviewer__user", "case__organisation")
        .get(pk=flag_id)
    )
    if flag.decision != PENDING:
        raise ValidationError(_("该利害关系提示已处理。"))
    if decision not in (RECUSE, CLEARED):
        raise ValidationError({"decision": _("请选择回避或排除。")})
    note = note.strip()
    if decision == CLEARED and not note:
        raise ValidationError({"note": _("排除利害关系须说明核实情况。")})
    _flag_decide(flag, by=by, decision=decision, note=note)
    if decision == RECUSE:
        # The reviewer is out of the case: the other pending flags about them are moot.
        for other in ConflictFlag.objects.select_for_update(of=("self",)).filter(
            case=flag.case, reviewer=flag.reviewer, decision=PENDING
        ):
            _flag_decide(other, by=by, decision=RECUSE, note=note or flag.reason)
        _reviewer_recuse(flag.case, flag.reviewer, by=by, reason=note or flag.reason)
    return flag


def _flag_decide(flag: ConflictFlag, *, by: User, decision: str, note: str) -> None:
    flag.decision = decision
    flag.note = note
    flag.decided_by = by
    flag.decided_at = timezone.now()
    flag.save(update_fields=["decision", "note", "decided_by", "decided_at"])
    audit_log_write(
        "review.conflict_decide",
        actor=by,
        obj=flag,
        case=flag.case_id,
        reviewer=flag.reviewer_id,
        decision=decision,
        note=note,
    )


@transaction.atomic
def assignment_recuse(assignment_id: int, *, by: User, reason: str) -> Assignment:
    """Recusal required by the office on its own initiative (or after a flag):
    the reviewer leaves every team of the case and loses access at once; the
    office is told to appoint a replacement."""
    _require(by, "review.change_assignment")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("请填写回避理由。")})
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("reviewer__user", "case__organisation", "case__cycle")
        .get(pk=assignment_id)
    )
    if assignment.status != ACTIVE:
        raise ValidationError(_("该评审任务已结束。"))
    case, reviewer = assignment.case, assignment.reviewer
    pending = ConflictFlag.objects.select_for_update(of=("self",)).filter(
        case=case, reviewer=reviewer, decision=PENDING
    )
    for flag in pending:
        _flag_decide(flag, by=by, decision=RECUSE, note=reason)
    # The recusal itself is recorded as a decided flag, so that later draws and
    # the office's list show it with its reason.
    flag = ConflictFlag.objects.create(
        case=case,
        reviewer=reviewer,
        reason=reason,
        source=SOURCE_OFFICE,
        decision=RECUSE,
        note=reason,
        decided_by=by,
        decided_at=timezone.now(),
    )
    audit_log_write(
        "review.conflict_flag",
        actor=by,
        obj=flag,
        case=case.pk,
        reviewer=reviewer.pk,
        source=SOURCE_OFFICE,
        reason=reason,
    )
    _reviewer_recuse(case, reviewer, by=by, reason=reason)
    assignment.refresh_from_db()
    return assignment


def _reviewer_recuse(case: Case, reviewer: Reviewer, *, by: User, reason: str) -> list[Assignment]:
    ended = list(
        Assignment.objects.select_for_update(of=("self",)).filter(
            case=case, reviewer=reviewer, status=ACTIVE
        )
    )
    now = timezone.now()
    for assignment in ended:
        assignment.status = Assignment.Status.RECUSED
        assignment.ended_at = now
        assignment.end_reason = reason
        assignment.save(update_fields=["status", "ended_at", "end_reason"])
    revoked = _revoke(case, reviewer.user)
    for assignment in ended:
        audit_log_write(
            "review.recuse",
            actor=by,
            obj=assignment,
            case=case.pk,
            reviewer=reviewer.pk,
            stage=assignment.stage,
            role=assignment.role,
            reason=reason,
            revoked=revoked,
        )
        if reviewer.user is not None:
            notify(
                [reviewer.user],
                kind="review.recused",
                subject=RECUSED[0],
                body=RECUSED[1],
                params=_params(case, stage=assignment.get_stage_display),
                link=reverse("review:reviewer_home"),
                dedupe_key=f"review.recused:{assignment.pk}",
            )
        notify(
            audience_users(case, OFFICE),
            kind="review.replace_needed",
            subject=REPLACE_NEEDED[0],
            body=REPLACE_NEEDED[1],
            params=_params(
                case, reviewer=reviewer.name, stage=assignment.get_stage_display, reason=reason
            ),
            link=_office_link(case) + f"?stage={assignment.stage}",
            dedupe_key=f"review.replace_needed:{assignment.pk}",
        )
    return ended


def assignment_replace(
    assignment_id: int, *, by: User, reviewer_id: int, reason: str
) -> Assignment:
    """Put another reviewer in an assignment's place (same stage and role). An
    active assignment ends as replaced and its reviewer loses access unless they
    remain on the case at another stage; a recused one stays recused."""
    _require(by, "review.change_assignment")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("更换评审员须填写理由。")})
    case_id = Assignment.objects.values_list("case_id", flat=True).get(pk=assignment_id)
    _conflict_gate(case_id, reviewer_id, by=by)
    with transaction.atomic():
        return _assignment_replace(assignment_id, by=by, reviewer_id=reviewer_id, reason=reason)


def _assignment_replace(
    assignment_id: int, *, by: User, reviewer_id: int, reason: str
) -> Assignment:
    old = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("reviewer__user", "case__organisation", "case__cycle")
        .get(pk=assignment_id)
    )
    if old.status == Assignment.Status.REPLACED:
        raise ValidationError(_("该评审任务已被更换。"))
    if old.reviewer_id == reviewer_id:
        raise ValidationError(_("请选择另一名评审员。"))
    case = old.case
    if old.status == ACTIVE:
        old.status = Assignment.Status.REPLACED
        old.ended_at = timezone.now()
        old.end_reason = reason
        old.save(update_fields=["status", "ended_at", "end_reason"])
        still_on_case = Assignment.objects.filter(
            case=case, reviewer=old.reviewer_id, status=ACTIVE
        ).exists()
        revoked = [] if still_on_case else _revoke(case, old.reviewer.user)
        if old.reviewer.user is not None:
            notify(
                [old.reviewer.user],
                kind="review.replaced",
                subject=REPLACED[0],
                body=REPLACED[1],
                params=_params(case, stage=old.get_stage_display),
                link=reverse("review:reviewer_home"),
                dedupe_key=f"review.replaced:{old.pk}",
            )
    else:
        revoked = []
    new = assignment_create(
        case.pk, reviewer_id=reviewer_id, stage=old.stage, role=old.role, by=by, reason=reason
    )
    audit_log_write(
        "review.replace",
        actor=by,
        obj=old,
        case=case.pk,
        stage=old.stage,
        role=old.role,
        previous=old.reviewer_id,
        replacement=reviewer_id,
        assignment=new.pk,
        reason=reason,
        revoked=revoked,
    )
    return new
