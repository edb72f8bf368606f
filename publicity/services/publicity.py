"""The publicity notice (公示) of a cycle's proposed winners: generated from the
cases, published with its period, each listed case starting its publicity."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Case
from applications.services import case_publish
from hengyang_award.core.models import AwardCycle, User
from hengyang_award.core.services import audit_log_write
from hengyang_award.workcalendar.days import Period, period_after

from ..models import Notice
from ..pdf import chinese_date
from ..selectors import publicity_candidates, publicity_draft
from .notices import notice_draft, notice_make_public, notice_update


class ProvisionalPeriod(ValidationError):  # noqa: N818 - reads as the situation
    """The period runs into a year whose holidays are not published yet; the office
    must confirm the dates explicitly."""


def publicity_period(cycle: AwardCycle, published_on: datetime.date) -> Period:
    """The same computation as `applications.services.case_publish`."""
    return period_after(published_on, n=cycle.publicity_working_days)


def publicity_notice_content(
    cycle: AwardCycle, cases: list[Case], period: Period
) -> tuple[str, dict]:
    """Title and body of the publicity notice (DOMAIN.md "Official documents")."""
    title = _("关于第%(n)d届衡阳市市长质量奖拟授奖组织名单的公示") % {"n": cycle.number}
    dates = {
        "start": chinese_date(period.start),
        "end": chinese_date(period.end),
        "n": len(period.days),
    }
    paragraphs = [
        _(
            "根据《衡阳市市长质量奖管理办法》第十条的规定，第%(n)d届衡阳市市长质量奖评审工作"
            "已完成组织申报、县市区推荐、资格审查、资料评审、现场评审和评审委员会审议等程序，"
            "评审委员会确定了拟授奖组织名单。现将名单予以公示（按所在县市区排列）。"
        )
        % {"n": cycle.number},
        _("公示期为%(start)s至%(end)s（共%(n)d个工作日）。") % dates,
        _(
            "公示期内，任何单位和个人对拟授奖组织有异议的，可以书面形式向衡阳市市长质量奖"
            "评审办公室提出，也可以在衡阳市市长质量奖网站“提出异议”页面提交。异议须署真实姓名，"
            "写明本人联系方式（以单位名义提出的须写明单位名称并加盖公章），陈述具体事实和理由，"
            "并尽可能提供证据材料。匿名异议和无具体事实的异议不予受理。"
        ),
    ]
    rows = [
        [str(i), case.organisation.name, case.organisation.county.name]
        for i, case in enumerate(cases, start=1)
    ]
    site = settings.SITE_URL.rstrip("/")
    closing = [
        _("联系电话：%(phone)s") % {"phone": settings.AWARD_OFFICE_PHONE},
        _("通讯地址：%(address)s") % {"address": settings.AWARD_OFFICE_ADDRESS},
        _("网上提出异议：%(url)s") % {"url": site + reverse("public:objection_new")},
    ]
    body = {
        "paragraphs": paragraphs,
        "table": {"head": [_("序号"), _("组织名称"), _("所在县市区")], "rows": rows},
        "closing": closing,
    }
    return title, body


@transaction.atomic
def publicity_notice_generate(
    cycle_id: int, *, by: User, number: str = "", on: datetime.date | None = None
) -> Notice:
    """Draft (or redraft) the cycle's publicity notice from its proposed cases, as
    it would read if published on `on` (today)."""
    cycle = AwardCycle.objects.select_for_update().get(pk=cycle_id)
    on = on or timezone.localdate()
    cases = list(publicity_candidates(cycle))
    if not cases:
        raise ValidationError(_("本届没有待公示的拟授奖组织。"))
    period = publicity_period(cycle, on)
    title, body = publicity_notice_content(cycle, cases, period)
    values = {
        "title": title,
        "body": body,
        "number": number,
        "issued_on": on,
        "period_starts_on": period.start,
        "period_ends_on": period.end,
        "period_provisional": period.provisional,
    }
    draft = publicity_draft(cycle)
    if draft is None:
        draft = notice_draft(
            cycle=cycle,
            kind=Notice.Kind.PUBLICITY,
            title=title,
            body=body,
            issuer=settings.AWARD_OFFICE_NAME,
            number=number,
            issued_on=on,
            by=by,
            cases=cases,
        )
        return notice_update(
            draft.pk,
            by=by,
            period_starts_on=period.start,
            period_ends_on=period.end,
            period_provisional=period.provisional,
        )
    return notice_update(draft.pk, by=by, cases=cases, **values)


@transaction.atomic
def publicity_notice_publish(
    notice_id: int, *, by: User, confirm_provisional: bool = False
) -> Notice:
    """Publish the draft today: the body is regenerated with today's dates, the
    notice goes public and every listed case starts its publicity with the very
    dates the notice shows. A provisional period needs the office's confirmation."""
    notice = Notice.objects.select_for_update().select_related("cycle").get(pk=notice_id)
    if notice.kind != Notice.Kind.PUBLICITY:
        raise ValidationError(_("这不是公示。"))
    if notice.is_published:
        raise ValidationError(_("该公示已经发布。"))
    cycle = notice.cycle
    cases = list(
        notice.cases.select_related("organisation__county").order_by(
            "organisation__county__code", "organisation__name", "pk"
        )
    )
    current = list(publicity_candidates(cycle))
    if {c.pk for c in cases} != {c.pk for c in current}:
        raise ValidationError(_("拟授奖组织名单已发生变化，请重新生成公示草稿并核对后再发布。"))
    today = timezone.localdate()
    period = publicity_period(cycle, today)
    if period.provisional and not confirm_provisional:
        raise ProvisionalPeriod(
            _(
                "公示期（%(start)s至%(end)s）跨入节假日安排尚未公布的年度，日期为暂定。"
                "请核对日期并勾选确认后再发布。"
            )
            % {"start": period.start.isoformat(), "end": period.end.isoformat()}
        )
    title, body = publicity_notice_content(cycle, cases, period)
    notice_update(
        notice.pk,
        by=by,
        title=title,
        body=body,
        issued_on=today,
        period_starts_on=period.start,
        period_ends_on=period.end,
        period_provisional=period.provisional,
    )
    if period.provisional:
        audit_log_write(
            "notice.provisional_confirm",
            actor=by,
            obj=notice,
            start=period.start.isoformat(),
            end=period.end.isoformat(),
        )
    notice = notice_make_public(
        notice.pk,
        by=by,
        period_start=period.start.isoformat(),
        period_end=period.end.isoformat(),
        provisional=period.provisional,
        provisional_confirmed=bool(period.provisional and confirm_provisional),
        cases=[c.pk for c in cases],
    )
    for case in cases:
        published = case_publish(case.pk, by=by, published_on=today)
        if (published.publicity_starts_on, published.publicity_ends_on) != (
            period.start,
            period.end,
        ):  # pragma: no cover - both come from the same calendar in one transaction
            raise RuntimeError("case period differs from the notice")
    return notice
