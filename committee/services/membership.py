"""The committee of a cycle: members and their rights on the cycle's candidates,
and each member's conflict declarations (recusal)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from applications.models import Case, CaseEvent
from hengyang_award.core.models import AwardCycle, User
from hengyang_award.core.services import audit_log_write

from .. import selectors
from ..models import Attendance, BallotCast, Declaration, Membership

VIEW = "applications.view_case"


def _committee_cases(cycle_id: int):
    return Case.objects.filter(cycle_id=cycle_id, state__in=selectors.COMMITTEE_STATES)


@transaction.atomic
def membership_add(cycle_id: int, *, by: User, user_id: int, role: str) -> Membership:
    """Put a user with a committee role on the cycle's committee; the member can
    then open the files of the cycle's candidates (and only of that cycle)."""
    selectors.require_office(by)
    cycle = AwardCycle.objects.select_for_update().get(pk=cycle_id)
    user = selectors.committee_users().filter(pk=user_id).first()
    if user is None:
        raise ValidationError({"user": _("只能选择具有评委会委员或评委会主任角色的用户。")})
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("请选择评委会职务。")})
    if Membership.objects.filter(cycle=cycle, user=user).exists():
        raise ValidationError({"user": _("该用户已是本届评委会成员。")})
    if (
        role == Membership.Role.DIRECTOR
        and Membership.objects.filter(cycle=cycle, role=Membership.Role.DIRECTOR).exists()
    ):
        raise ValidationError({"role": _("本届评委会已有主任。")})
    try:
        with transaction.atomic():
            member = Membership.objects.create(cycle=cycle, user=user, role=role, added_by=by)
    except IntegrityError as exc:
        raise ValidationError(_("该用户已是本届评委会成员，或本届评委会已有主任。")) from exc
    granted = []
    for case in _committee_cases(cycle.pk):
        if not selectors.is_recused(member, case):
            assign_perm(VIEW, user, case)
            granted.append(case.pk)
    audit_log_write(
        "committee.member_add",
        actor=by,
        obj=member,
        cycle=cycle.pk,
        user=user.pk,
        role=role,
        granted=granted,
    )
    return member


@transaction.atomic
def membership_remove(member_id: int, *, by: User) -> None:
    """Take a member off the committee (only before any attendance or ballot of
    theirs is recorded: the record of a meeting is not rewritten)."""
    selectors.require_office(by)
    member = Membership.objects.select_for_update().select_related("user").get(pk=member_id)
    if (
        Attendance.objects.filter(member=member).exists()
        or BallotCast.objects.filter(member=member).exists()
    ):
        raise ValidationError(_("该委员已有出席或投票记录，不能移出评委会。"))
    for case in _committee_cases(member.cycle_id):
        remove_perm(VIEW, member.user, case)
    Declaration.objects.filter(member=member).delete()
    audit_log_write(
        "committee.member_remove",
        actor=by,
        obj=member,
        cycle=member.cycle_id,
        user=member.user_id,
        role=member.role,
    )
    member.delete()


def grant_committee_at_nominate(case: Case, event: CaseEvent) -> None:
    """After `nominate` (in fire's transaction): the cycle's committee members,
    not recused, get the candidate's file."""
    for member in Membership.objects.filter(cycle=case.cycle_id).select_related("user"):
        if not selectors.is_recused(member, case):
            assign_perm(VIEW, member.user, case)


@transaction.atomic
def declaration_make(
    case_id: int,
    *,
    by: User,
    has_conflict: bool,
    grounds: str = "",
    description: str = "",
) -> Declaration:
    """A member declares, once per candidate, whether they have an interest in the
    applicant. A member with a known tie cannot declare none; a member with a
    conflict is recused: the candidate's file is closed to them and they neither
    vote on it nor count toward its quorum."""
    from review.models import ReviewerRelation

    case = Case.objects.select_for_update().select_related("organisation").get(pk=case_id)
    member = selectors.membership_of(by, case.cycle_id)
    if member is None or case.state != selectors.S.CANDIDATE:
        raise PermissionDenied(_("只有本届评委会成员可以就获奖候选组织作出声明。"))
    if Declaration.objects.filter(member=member, case=case).exists():
        raise ValidationError(_("您已就该候选组织作出声明，不能重复声明。"))
    description = description.strip()
    if has_conflict:
        if grounds not in ReviewerRelation.Kind.values:
            raise ValidationError({"grounds": _("请选择利害关系类型。")})
    else:
        detected = selectors.detected_conflicts(member, case)
        if detected:
            raise ValidationError(
                _("系统发现您与该组织可能存在利害关系：%(reasons)s 请申报回避。")
                % {"reasons": "；".join(detected)}
            )
        grounds = ""
    declaration = Declaration.objects.create(
        member=member,
        case=case,
        has_conflict=has_conflict,
        grounds=grounds,
        description=description,
    )
    if has_conflict:
        remove_perm(VIEW, by, case)
    audit_log_write(
        "committee.declare",
        actor=by,
        obj=declaration,
        case=case.pk,
        has_conflict=has_conflict,
        grounds=grounds,
        description=description,
    )
    return declaration
