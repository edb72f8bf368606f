"""The review office's decisions on the eligibility pre-checks (Art. 10(2))."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hengyang_award.core.models import User
from hengyang_award.core.services import audit_log_write

from ..models import Case, ScreeningDecision
from ..screening import PreCheck, screening_checklist, screening_checks
from ..workflow import CaseState

Decision = ScreeningDecision.Decision
Result = ScreeningDecision.Result


def _screenable_locked(case_id: int, *, by: User) -> Case:
    """The case, locked, when `by` may screen it and it is in screening."""
    case = Case.objects.select_for_update().get(pk=case_id)
    permission = "applications.screen_case"
    if not (by.has_perm(permission) or by.has_perm(permission, case)):
        raise PermissionDenied(_("只有评审办工作人员可以进行资格审查。"))
    if case.state != CaseState.RECOMMENDED:
        raise ValidationError(
            _("当前状态为“%(state)s”，不在资格审查阶段，不能确认审查项。")
            % {"state": case.get_state_display()}
        )
    return case


@transaction.atomic
def screening_decide(
    case_id: int,
    *,
    by: User,
    code: str,
    decision: str,
    note: str = "",
    final_result: str | None = None,
) -> ScreeningDecision:
    """Record the officer's decision on one pre-check for the case's current round
    (a later decision on the same check replaces it; the audit log keeps both).

    `confirm` accepts the automatic pass or fail; `override` sets `final_result`
    with a reason, and is the only way to decide a check that needs judgement."""
    case = _screenable_locked(case_id, by=by)
    check = next((c for c in screening_checks(case) if c.code == code), None)
    if check is None:
        raise ValidationError(_("没有这个资格审查项。"))
    note = note.strip()
    if decision == Decision.CONFIRM:
        if check.result == Result.JUDGEMENT:
            raise ValidationError(_("此项需要人工判断：请选择“通过”或“不通过”，并说明理由。"))
        final = check.result
    elif decision == Decision.OVERRIDE:
        if final_result not in (Result.PASS, Result.FAIL):
            raise ValidationError(_("请选择审查结论：通过或不通过。"))
        if final_result == check.result:
            raise ValidationError(
                _("自动检查结果已是“%(result)s”，请直接确认。")
                % {"result": Result(final_result).label}
            )
        if not note:
            raise ValidationError({"note": _("人工判定或改变自动检查结果时，必须填写理由。")})
        final = final_result
    else:
        raise ValidationError(_("请选择审查决定。"))
    previous = ScreeningDecision.objects.filter(
        case=case, round=case.submission_round, code=code
    ).first()
    return _record(case, check, by=by, decision=decision, final=final, note=note, previous=previous)


def _record(
    case: Case,
    check: PreCheck,
    *,
    by: User,
    decision: str,
    final: str,
    note: str,
    previous: ScreeningDecision | None,
) -> ScreeningDecision:
    """Store a validated decision on `check` for the case's current round and
    audit it (with the result it replaces)."""
    row, _created = ScreeningDecision.objects.update_or_create(
        case=case,
        round=case.submission_round,
        code=check.code,
        defaults={
            "decision": decision,
            "automatic_result": check.result,
            "final_result": final,
            "note": note,
            "decided_by": by,
            "decided_at": timezone.now(),
        },
    )
    audit_log_write(
        "screening.decide",
        actor=by,
        obj=case,
        round=case.submission_round,
        code=check.code,
        decision=decision,
        automatic_result=check.result,
        final_result=final,
        note=note,
        replaces=previous.final_result if previous else None,
    )
    return row


@transaction.atomic
def screening_confirm_passes(case_id: int, *, by: User) -> list[str]:
    """Confirm at once every automatic pass not yet decided in the case's current
    round (or whose confirmation lapsed because the result changed). Checks that
    need judgement or fail automatically, and checks already decided, are left as
    they are. Each confirmation is recorded and audited like a single one; the
    checks are computed once. Returns the codes confirmed."""
    case = _screenable_locked(case_id, by=by)
    rows = [row for row in screening_checklist(case) if row.awaits_confirmation]
    for row in rows:
        _record(
            case,
            row.check,
            by=by,
            decision=Decision.CONFIRM,
            final=row.check.result,
            note="",
            previous=row.decision,
        )
    return [row.check.code for row in rows]
