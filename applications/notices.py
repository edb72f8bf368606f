"""Who is told what when a case moves: whoever must act next and whoever is
affected, in words a non-specialist understands."""

from collections.abc import Callable

from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hengyang_award.core.models import User
from hengyang_award.core.roles import Role
from hengyang_award.notifications.services import notify

from .models import Case, CaseEvent

ORG, COUNTY, OFFICE, COMMITTEE, DIRECTOR, MAYOR = (
    "organisation",
    "county",
    "office",
    "committee",
    "director",
    "mayor",
)

# transition → ((audience, subject, body), …). Params: %(org)s, %(cycle)s, %(note)s,
# %(state)s, %(start)s, %(end)s.
NOTICES = {
    "submit": (
        (ORG, _("申报材料已提交"), _("您单位的%(cycle)s申报材料已提交至所在县市区，等待推荐。")),
        (
            COUNTY,
            _("有新的申报待推荐：%(org)s"),
            _("%(org)s已提交%(cycle)s申报材料，请审阅后签署推荐意见、退回修改或不予推荐。"),
        ),
    ),
    "withdraw": ((ORG, _("申报已撤回"), _("您单位已撤回%(cycle)s的申报。说明：%(note)s")),),
    "recommend": (
        (
            ORG,
            _("县市区已推荐您单位的申报"),
            _("所在县市区已签署推荐意见，申报材料已报送评审办进行资格审查。"),
        ),
        (
            OFFICE,
            _("有新的申报待资格审查：%(org)s"),
            _("%(org)s的申报已获县市区推荐，请进行资格审查。"),
        ),
    ),
    "return_to_applicant": (
        (
            ORG,
            _("申报材料被退回修改"),
            _("您单位的申报材料已被退回，请根据以下意见修改后重新提交：%(note)s"),
        ),
    ),
    "screening_return": (
        (
            ORG,
            _("申报材料被退回补正"),
            _("评审办在资格审查中退回了您单位的申报材料，请根据以下意见补正后重新提交：%(note)s"),
        ),
    ),
    "decline": ((ORG, _("县市区未推荐您单位的申报"), _("所在县市区决定不予推荐，理由：%(note)s")),),
    "accept": (
        (ORG, _("申报已正式受理"), _("评审办已正式受理您单位的%(cycle)s申报，下一步为资料评审。")),
        (COUNTY, _("推荐的申报已受理：%(org)s"), _("%(org)s的申报已通过资格审查并正式受理。")),
    ),
    "reject": (
        (ORG, _("申报未通过资格审查"), _("您单位的申报未通过资格审查，理由：%(note)s")),
        (COUNTY, _("推荐的申报未通过资格审查：%(org)s"), _("理由：%(note)s")),
    ),
    "start_document_review": (
        (ORG, _("资料评审已开始"), _("评审专家正在对您单位的申报材料进行资料评审。")),
    ),
    "shortlist": (
        (ORG, _("您单位进入现场评审"), _("您单位已通过资料评审，评审办将与您联系安排现场评审。")),
    ),
    "not_shortlist": (
        (
            ORG,
            _("资料评审结果"),
            _("您单位未进入现场评审。说明：%(note)s 评审办将向您反馈评审意见。"),
        ),
    ),
    "finish_onsite": ((ORG, _("现场评审已完成"), _("现场评审已完成，评审办正在进行综合评价。")),),
    "nominate": (
        (
            COMMITTEE,
            _("获奖候选名单新增：%(org)s"),
            _("%(org)s已列入%(cycle)s获奖候选名单，提请评委会审议。"),
        ),
    ),
    "pass_over": ((ORG, _("综合评价结果"), _("您单位未列入获奖候选名单。说明：%(note)s")),),
    "propose": (
        (
            ORG,
            _("您单位被确定为拟获奖组织"),
            _("评委会已确定您单位为%(cycle)s拟获奖组织，将向社会公示。"),
        ),
        (OFFICE, _("拟获奖组织待公示：%(org)s"), _("请发布公示。")),
    ),
    "committee_reject": (
        (ORG, _("评委会审议结果"), _("评委会审议后未将您单位确定为拟获奖组织。说明：%(note)s")),
    ),
    "publish": (
        (ORG, _("拟获奖名单公示"), _("您单位已列入拟获奖名单公示，公示期为%(start)s至%(end)s。")),
    ),
    "raise_objection": (
        (OFFICE, _("公示异议待核查：%(org)s"), _("收到对%(org)s的异议：%(note)s")),
        (DIRECTOR, _("公示异议：%(org)s"), _("评审办正在核查对%(org)s的异议。")),
    ),
    "dismiss_objection": (
        (DIRECTOR, _("异议不成立：%(org)s"), _("评审办核查后认为异议不成立：%(note)s")),
    ),
    "clear_objection": (
        (
            DIRECTOR,
            _("待审核：%(org)s"),
            _("异议经核查不成立，%(org)s转入评委会主任审核。说明：%(note)s"),
        ),
    ),
    "disqualify": (
        (
            ORG,
            _("获奖资格已取消"),
            _("经评审办查实并经评委会决定，取消您单位的获奖资格。理由：%(note)s"),
        ),
        (OFFICE, _("已取消获奖资格：%(org)s"), _("评委会决定：%(note)s")),
    ),
    "close_publicity": (
        (DIRECTOR, _("公示期满，待主任审核：%(org)s"), _("%(org)s公示期满无异议，请审核。")),
    ),
    "director_approve": (
        (MAYOR, _("待市长审定：%(org)s"), _("评委会主任已审核通过%(org)s，请审定。")),
        (OFFICE, _("主任审核通过：%(org)s"), _("已提交市长审定。")),
    ),
    "director_send_back": ((OFFICE, _("主任退回：%(org)s"), _("评委会主任退回，意见：%(note)s")),),
    "mayor_approve": (
        (ORG, _("恭喜！您单位荣获%(cycle)s"), _("市长已审定同意，市政府将发布公告。")),
        (OFFICE, _("市长审定同意：%(org)s"), _("请准备公告和证书。")),
    ),
    "mayor_send_back": (
        (OFFICE, _("市长退回：%(org)s"), _("市长退回评委会，意见：%(note)s")),
        (DIRECTOR, _("市长退回：%(org)s"), _("市长退回评委会，意见：%(note)s")),
    ),
    "revoke": ((ORG, _("奖项已撤销"), _("您单位的市长质量奖奖项已被撤销。理由：%(note)s")),),
    "expire": (
        (ORG, _("市长质量奖称号已到期"), _("您单位的%(cycle)s称号有效期已满，可重新申报。")),
    ),
}


# Stage apps name further audiences (e.g. the reviewers who have not yet scored):
# name -> (case) -> users. applications never imports them.
_audiences: dict[str, Callable[[Case], QuerySet[User]]] = {}


def register_audience(name: str, users: Callable[[Case], QuerySet[User]]) -> None:
    _audiences[name] = users


def audience_users(case: Case, audience: str) -> QuerySet[User]:
    if audience in _audiences:
        return _audiences[audience](case).filter(is_active=True)
    active = User.objects.filter(is_active=True)
    if audience == ORG:
        return active.filter(organisation=case.organisation_id)
    if audience == COUNTY:
        return active.filter(county=case.organisation.county_id)
    role = {
        OFFICE: Role.OFFICE_STAFF,
        COMMITTEE: Role.COMMITTEE_MEMBER,
        DIRECTOR: Role.COMMITTEE_DIRECTOR,
        MAYOR: Role.MAYOR,
    }[audience]
    return active.filter(groups=Group.objects.get(name=role))


def case_notify_transition(case: Case, event: CaseEvent) -> None:
    params = {
        "org": case.organisation.name,
        "cycle": lambda: case.cycle.title,
        "note": event.note or "—",
        "state": case.get_state_display,
        "start": case.publicity_starts_on.isoformat() if case.publicity_starts_on else "",
        "end": case.publicity_ends_on.isoformat() if case.publicity_ends_on else "",
    }
    link = reverse("applications:case_detail", args=[case.pk])
    for audience, subject, body in NOTICES.get(event.name, ()):
        notify(
            audience_users(case, audience),
            kind=f"case.{event.name}",
            subject=subject,
            body=body,
            params=params,
            link=link,
            dedupe_key=f"event:{event.pk}:{audience}",
        )
