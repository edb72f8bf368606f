"""What each transition is called on a button and in the timeline."""

from django.utils.translation import pgettext_lazy

TRANSITION_LABELS = {
    "submit": pgettext_lazy("transition", "提交申报"),
    "withdraw": pgettext_lazy("transition", "撤回申报"),
    "recommend": pgettext_lazy("transition", "推荐"),
    "return_to_applicant": pgettext_lazy("transition", "退回修改"),
    "decline": pgettext_lazy("transition", "不予推荐"),
    "accept": pgettext_lazy("transition", "受理"),
    "reject": pgettext_lazy("transition", "资格审查不通过"),
    "screening_return": pgettext_lazy("transition", "退回补正"),
    "start_document_review": pgettext_lazy("transition", "开始资料评审"),
    "shortlist": pgettext_lazy("transition", "进入现场评审"),
    "not_shortlist": pgettext_lazy("transition", "不进入现场评审"),
    "finish_onsite": pgettext_lazy("transition", "现场评审完成"),
    "nominate": pgettext_lazy("transition", "列为获奖候选"),
    "pass_over": pgettext_lazy("transition", "不列为候选"),
    "propose": pgettext_lazy("transition", "评委会确定拟获奖"),
    "committee_reject": pgettext_lazy("transition", "评委会未通过"),
    "publish": pgettext_lazy("transition", "发布公示"),
    "raise_objection": pgettext_lazy("transition", "登记异议"),
    "dismiss_objection": pgettext_lazy("transition", "异议不成立，继续公示"),
    "clear_objection": pgettext_lazy("transition", "异议不成立，提交主任审核"),
    "disqualify": pgettext_lazy("transition", "异议查实，取消获奖资格"),
    "close_publicity": pgettext_lazy("transition", "公示期满"),
    "director_approve": pgettext_lazy("transition", "主任审核通过"),
    "director_send_back": pgettext_lazy("transition", "主任退回评委会"),
    "mayor_approve": pgettext_lazy("transition", "市长审定同意"),
    "mayor_send_back": pgettext_lazy("transition", "市长退回评委会"),
    "revoke": pgettext_lazy("transition", "撤销奖项"),
    "expire": pgettext_lazy("transition", "称号到期"),
}
