"""The announcement of a cycle's winners and what it creates: the awards (titles
with their validity and prize), the certificates to render, and the plaque
register kept by the office (Art. 10(7), 11-12, 15, 17)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Case
from applications.workflow import STAGE_OF_STATE, CaseState, Stage
from hengyang_award.core.models import AwardCycle, Organisation, User
from hengyang_award.core.services import audit_log_write
from hengyang_award.jobs.outbox import outbox_enqueue
from hengyang_award.notifications.services import notify

from ..models import Announcement, Award, Certificate, Plaque
from .certificates import certificate_number_new

ISSUER = gettext_lazy("衡阳市人民政府")
# The cases still being decided by the director or the mayor: no announcement while
# any of them waits.
APPROVAL_STATES = (CaseState.DIRECTOR_REVIEW, CaseState.MAYOR_APPROVAL)
# A cycle is announced vacant only when no case can still become a winner.
UNDECIDED_STAGES = frozenset(
    {
        Stage.RECOMMENDATION,
        Stage.SCREENING,
        Stage.DOCUMENT_REVIEW,
        Stage.ONSITE_REVIEW,
        Stage.EVALUATION,
        Stage.COMMITTEE,
        Stage.PUBLICITY,
        Stage.APPROVAL,
    }
)
UNDECIDED_STATES = tuple(s for s, stage in STAGE_OF_STATE.items() if stage in UNDECIDED_STAGES)


def title_last_day(starts_on: datetime.date, *, years: int) -> datetime.date:
    """The last day of a title valid `years` years from `starts_on` inclusive: the
    day before the anniversary. A title starting on 29 February has its
    anniversary on 1 March in a common year, so it ends on 28 February."""
    try:
        anniversary = starts_on.replace(year=starts_on.year + years)
    except ValueError:  # 29 February, common year
        anniversary = datetime.date(starts_on.year + years, 3, 1)
    return anniversary - datetime.timedelta(days=1)


@dataclass(frozen=True)
class Prize:
    amount: Decimal
    basis: str
    previous_award: Award | None


def _earlier_titles(organisation_ids, cycle: AwardCycle) -> dict[int, Award]:
    """Each organisation's latest title from an earlier cycle, revoked ones left
    out (their prize was recovered). One query for any number of organisations."""
    latest: dict[int, Award] = {}
    for award in (
        Award.objects.filter(
            organisation_id__in=organisation_ids,
            revoked_on__isnull=True,
            cycle__number__lt=cycle.number,
        )
        .select_related("cycle")
        .order_by("organisation_id", "-cycle__number")
    ):
        latest.setdefault(award.organisation_id, award)
    return latest


def _prize(cycle: AwardCycle, previous: Award | None) -> Prize:
    if previous is not None:
        return Prize(Decimal("0.00"), Award.PrizeBasis.REPEAT_WINNER, previous)
    if cycle.prize_amount > 0:
        return Prize(cycle.prize_amount, Award.PrizeBasis.FIRST_WIN, None)
    return Prize(Decimal("0.00"), Award.PrizeBasis.NO_PRIZE_SET, None)


def award_prize_for(organisation: Organisation, cycle: AwardCycle) -> Prize:
    """Art. 12, 17: the cycle's prize, except for an organisation that held the
    title before (its earlier title has expired; a valid one cannot apply), which
    receives plaque and certificate only."""
    return _prize(cycle, _earlier_titles([organisation.pk], cycle).get(organisation.pk))


@dataclass
class AnnouncementReadiness:
    """What an announcement of the cycle would contain now, and why it cannot be
    issued yet (`reasons`, readable sentences)."""

    cycle: AwardCycle
    winners: list[tuple[Case, Prize]] = field(default_factory=list)
    waiting: list[Case] = field(default_factory=list)
    undecided: list[Case] = field(default_factory=list)
    announced_before: bool = False
    reasons: list[str] = field(default_factory=list)

    @property
    def vacant(self) -> bool:
        return not self.winners

    @property
    def can_issue(self) -> bool:
        return not self.reasons


def announcement_readiness(cycle: AwardCycle, *, today: datetime.date | None = None):
    today = today or timezone.localdate()
    cases = Case.objects.filter(cycle=cycle).select_related("organisation__county")
    awarded = list(
        cases.filter(state=CaseState.AWARDED, award__isnull=True).order_by(
            "organisation__name", "pk"
        )
    )
    earlier = _earlier_titles([case.organisation_id for case in awarded], cycle)
    winners = [(case, _prize(cycle, earlier.get(case.organisation_id))) for case in awarded]
    ready = AnnouncementReadiness(
        cycle=cycle,
        winners=winners,
        waiting=list(cases.filter(state__in=APPROVAL_STATES).order_by("organisation__name")),
        undecided=list(cases.filter(state__in=UNDECIDED_STATES).order_by("organisation__name")),
        announced_before=Announcement.objects.filter(cycle=cycle).exists(),
    )
    if ready.waiting:
        ready.reasons.append(
            _("尚有%(n)d个组织在评委会主任审核或市长审定中，审批完成后才能发布公告。")
            % {"n": len(ready.waiting)}
        )
    if ready.vacant:
        if ready.announced_before:
            ready.reasons.append(_("本届没有尚未公告的获奖组织。"))
        elif cycle.accepts_applications(today):
            ready.reasons.append(_("本届申报受理期尚未结束，不能公告本届空缺。"))
        elif ready.undecided and not ready.waiting:
            ready.reasons.append(
                _("尚有%(n)d个组织的评审未结束，不能公告本届空缺。") % {"n": len(ready.undecided)}
            )
    return ready


def _notice_text(cycle: AwardCycle, ready: AnnouncementReadiness, *, starts_on, ends_on):
    """Title and structured body of the announcement, always in Chinese (it is an
    official document)."""
    values = {"cycle": cycle.number, "year": cycle.year}
    if ready.vacant:
        title = _("衡阳市人民政府关于第%(cycle)d届衡阳市市长质量奖评审结果的公告") % values
        body = {
            "paragraphs": [
                _(
                    "根据《衡阳市市长质量奖管理办法》，经组织申报、评审和审定，"
                    "第%(cycle)d届衡阳市市长质量奖（%(year)d年度）没有组织达到获奖条件，"
                    "本届空缺，不予授奖。"
                )
                % values,
                _("特此公告。"),
            ],
            "closing": [],
        }
        return title, body
    title = _("衡阳市人民政府关于第%(cycle)d届衡阳市市长质量奖获奖组织的公告") % values
    rows = []
    for index, (case, prize) in enumerate(ready.winners, start=1):
        if prize.basis == Award.PrizeBasis.FIRST_WIN:
            reward = _("奖牌、证书和奖金%(amount)s元") % {"amount": f"{prize.amount:,.2f}"}
        elif prize.basis == Award.PrizeBasis.REPEAT_WINNER:
            reward = _("奖牌、证书（再次获奖，不重复奖励奖金）")
        else:
            reward = _("奖牌、证书")
        rows.append([str(index), case.organisation.name, case.organisation.county.name, reward])
    body = {
        "paragraphs": [
            _(
                "根据《衡阳市市长质量奖管理办法》，经组织申报、县市区推荐、资格审查、资料评审、"
                "现场评审、综合评价、评审委员会审议、社会公示、评审委员会主任审核和市长审定，"
                "决定授予以下%(n)d个组织第%(cycle)d届衡阳市市长质量奖（%(year)d年度）。"
            )
            % {**values, "n": len(ready.winners)},
            _(
                "称号有效期为%(years)d年，自%(start)s起至%(end)s止。获奖组织在宣传中引用该称号时，"
                "应当注明获奖年度，并遵守《中华人民共和国广告法》的有关规定。"
            )
            % {
                "years": cycle.validity_years,
                "start": _chinese_date(starts_on),
                "end": _chinese_date(ends_on),
            },
        ],
        "table": {
            "head": [_("序号"), _("获奖组织"), _("所在县市区"), _("奖励")],
            "rows": rows,
        },
        "closing": [
            _("希望获奖组织珍惜荣誉，发挥示范引领作用，积极推广先进的质量管理方法。"),
            _("特此公告。"),
        ],
    }
    return title, body


def _chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@transaction.atomic
def announcement_issue(
    cycle_id: int, *, number: str, by: User, issued_on: datetime.date | None = None
) -> Announcement:
    """Issue the cycle's announcement: one award per winner not yet announced (or
    none: the cycle is vacant), each with its validity, prize and certificate; the
    notice is published on the public site; certificates are rendered by a worker
    after commit."""
    from publicity.cache import public_cache_bump
    from publicity.models import Notice
    from publicity.services import notice_draft, notice_make_public

    if not by.has_perm("supervision.issue_announcement"):
        raise PermissionDenied(_("只有评审办工作人员可以发布获奖公告。"))
    cycle = AwardCycle.objects.select_for_update().get(pk=cycle_id)
    number = number.strip()
    if not number:
        raise ValidationError({"number": _("请填写公告文号。")})
    if (
        Announcement.objects.filter(number=number).exists()
        or Notice.objects.filter(number=number).exists()
    ):
        raise ValidationError({"number": _("文号“%(number)s”已被使用。") % {"number": number}})
    issued_on = issued_on or timezone.localdate()
    ready = announcement_readiness(cycle, today=issued_on)
    if not ready.can_issue:
        raise ValidationError(ready.reasons)
    # The winners' rows are locked: a case revoked or re-announced meanwhile is not
    # announced twice.
    locked = {
        c.pk: c
        for c in Case.objects.select_for_update().filter(pk__in=[c.pk for c, _p in ready.winners])
    }
    if any(
        locked[case.pk].state != CaseState.AWARDED or Award.objects.filter(case=case).exists()
        for case, _prize in ready.winners
    ):
        raise ValidationError(_("获奖名单已被他人更改，请刷新页面后重试。"))
    starts_on = issued_on
    ends_on = title_last_day(starts_on, years=cycle.validity_years)
    with translation.override("zh-hans"):
        title, body = _notice_text(cycle, ready, starts_on=starts_on, ends_on=ends_on)
        issuer = str(ISSUER)
    notice = notice_draft(
        cycle=cycle,
        kind=Notice.Kind.ANNOUNCEMENT,
        title=title,
        body=body,
        issuer=issuer,
        number=number,
        issued_on=issued_on,
        by=by,
        cases=[case for case, _prize in ready.winners],
    )
    try:
        with transaction.atomic():
            announcement = Announcement.objects.create(
                cycle=cycle, notice=notice, number=number, issued_on=issued_on, issued_by=by
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"number": _("文号“%(number)s”已被使用。") % {"number": number}}
        ) from exc
    awards = [
        _award_create(case, prize, announcement, starts_on=starts_on, ends_on=ends_on)
        for case, prize in ready.winners
    ]
    announcement.notice = notice_make_public(notice.pk, by=by, announcement=announcement.pk)
    audit_log_write(
        "award.announce",
        actor=by,
        obj=announcement,
        cycle=cycle.number,
        number=number,
        issued_on=issued_on.isoformat(),
        notice=notice.pk,
        vacant=not awards,
        awards=[
            {
                "award": a.pk,
                "case": a.case_id,
                "organisation": a.organisation_id,
                "starts_on": a.starts_on.isoformat(),
                "ends_on": a.ends_on.isoformat(),
                "prize_amount": str(a.prize_amount),
                "prize_basis": a.prize_basis,
                "previous_award": a.previous_award_id,
                "certificate": a.certificate.number,
            }
            for a in awards
        ],
    )
    for award in awards:
        _winner_notify(award)
    transaction.on_commit(public_cache_bump)
    return announcement


def _award_create(
    case: Case,
    prize: Prize,
    announcement: Announcement,
    *,
    starts_on: datetime.date,
    ends_on: datetime.date,
) -> Award:
    award = Award.objects.create(
        case=case,
        organisation=case.organisation,
        cycle=announcement.cycle,
        announcement=announcement,
        award_year=announcement.cycle.year,
        starts_on=starts_on,
        ends_on=ends_on,
        prize_amount=prize.amount,
        prize_basis=prize.basis,
        previous_award=prize.previous_award,
    )
    # The case carries the same dates, so the `expire` deadline and eligibility
    # screening read the announced title (a field update, not a state change).
    Case.objects.filter(pk=case.pk).update(awarded_on=starts_on, award_valid_until=ends_on)
    award.certificate = _certificate_create(award)
    outbox_enqueue(
        "pdf.render_certificate",
        dedupe_key=f"certificate:{award.certificate.pk}",
        certificate_id=award.certificate.pk,
    )
    return award


def _certificate_create(award: Award) -> Certificate:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Certificate.objects.create(
                    award=award, number=certificate_number_new(award.cycle.number)
                )
        except IntegrityError:  # the same random number drawn twice: draw again
            continue
    raise RuntimeError("no free certificate number")


ANNOUNCED = (
    gettext_lazy("获奖公告已发布：%(org)s荣获%(cycle)s"),
    gettext_lazy(
        "市政府已发布公告（%(number)s），授予您单位%(cycle)s（%(year)s年度）。称号有效期自%(start)s"
        "至%(end)s，证书编号%(certificate)s，可在平台下载电子证书。引用该称号时请注明获奖年度。"
    ),
)


def _winner_notify(award: Award) -> None:
    notify(
        User.objects.filter(organisation=award.organisation_id),
        kind="award.announced",
        subject=ANNOUNCED[0],
        body=ANNOUNCED[1],
        params={
            "org": award.organisation.name,
            "cycle": lambda: award.cycle.title,
            "number": award.announcement.number,
            "year": award.award_year,
            "start": award.starts_on.isoformat(),
            "end": award.ends_on.isoformat(),
            "certificate": award.certificate.number,
        },
        link=reverse("supervision:award_mine"),
        dedupe_key=f"award:{award.pk}:announced",
    )


@transaction.atomic
def plaque_record(
    award_id: int,
    *,
    by: User,
    issued_on: datetime.date,
    received_by: str,
    note: str = "",
) -> Plaque:
    """Enter (or correct) the plaque handed to a winner in the office's register."""
    if not by.has_perm("supervision.add_plaque"):
        raise PermissionDenied(_("只有评审办工作人员可以登记奖牌发放。"))
    award = Award.objects.select_for_update().get(pk=award_id)
    received_by = received_by.strip()
    if not received_by:
        raise ValidationError({"received_by": _("请填写领取人。")})
    if issued_on < award.starts_on:
        raise ValidationError({"issued_on": _("颁发日期不能早于公告日期。")})
    previous = Plaque.objects.filter(award=award).first()
    plaque, created = Plaque.objects.update_or_create(
        award=award,
        defaults={
            "issued_on": issued_on,
            "received_by": received_by,
            "note": note.strip(),
            "recorded_by": by,
            "recorded_at": timezone.now(),
        },
    )
    audit_log_write(
        "plaque.record" if created else "plaque.correct",
        actor=by,
        obj=plaque,
        award=award.pk,
        issued_on=issued_on.isoformat(),
        received_by=received_by,
        note=plaque.note,
        previous=(
            {
                "issued_on": previous.issued_on.isoformat(),
                "received_by": previous.received_by,
                "note": previous.note,
            }
            if previous
            else None
        ),
    )
    return plaque


def award_revocation_mark(case: Case, event) -> None:
    """After-transition hook of `revoke` (same transaction): the case's announced
    title becomes revoked from the day of the decision. A case revoked before its
    announcement has no title to mark."""
    from publicity.cache import public_cache_bump

    award = Award.objects.select_for_update().filter(case=case, revoked_on__isnull=True).first()
    if award is None:
        return
    award.revoked_on = timezone.localdate(event.at)
    award.revocation_note = event.note
    award.save(update_fields=["revoked_on", "revocation_note", "changed_at"])
    audit_log_write(
        "award.revoke",
        actor=event.actor,
        obj=award,
        case=case.pk,
        revoked_on=award.revoked_on.isoformat(),
        event=event.pk,
    )
    transaction.on_commit(public_cache_bump)
