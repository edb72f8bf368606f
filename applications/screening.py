"""Eligibility screening (Art. 7, 10(2), 17, 19): the pre-checks the review office
goes through before accepting a case, each computed from the current application
form, the organisation and the cycle, and what the officers decided on them.

Reads only. Decisions are written by `services.screening`; `workflow` asks
`screening_missing` before `accept` may fire."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hengyang_award.core.models import AwardCycle, Organisation, User

from .deadlines import with_entered_at
from .models import ApplicationForm, Attachment, Case, Recommendation, ScreeningDecision
from .workflow import TERMINAL, CaseState

Result = ScreeningDecision.Result
PASS, FAIL, JUDGEMENT = Result.PASS, Result.FAIL, Result.JUDGEMENT

# (key in ApplicationForm.certificates, attachment kind, label of the validity
# check, label of the scope check)
STANDARDS = (
    (
        "iso9001",
        Attachment.Kind.CERT_ISO9001,
        gettext_lazy("质量管理体系（ISO 9001 / GB/T 19001）认证证书有效"),
        gettext_lazy("质量管理体系认证范围与申报组织相符"),
    ),
    (
        "iso14001",
        Attachment.Kind.CERT_ISO14001,
        gettext_lazy("环境管理体系（ISO 14001）认证证书有效"),
        gettext_lazy("环境管理体系认证范围与申报组织相符"),
    ),
    (
        "iso45001",
        Attachment.Kind.CERT_ISO45001,
        gettext_lazy("职业健康安全管理体系（ISO 45001）认证证书有效"),
        gettext_lazy("职业健康安全管理体系认证范围与申报组织相符"),
    ),
)


@dataclass(frozen=True)
class PreCheck:
    code: str
    label: Promise
    result: str  # Result: pass, fail or judgement
    evidence: str

    @property
    def result_label(self) -> str:
        return Result(self.result).label


@dataclass
class Facts:
    """Everything the checks read, loaded once per case."""

    case: Case
    organisation: Organisation
    cycle: AwardCycle
    form: ApplicationForm | None
    attachment_kinds: set[str]
    other_cases: list[Case]
    recommendation: Recommendation | None
    bans: list

    @property
    def reference_date(self) -> datetime.date:
        return self.cycle.reference_date


def _facts(case: Case) -> Facts:
    # Stage apps import applications, never the reverse: the ban register is read
    # at call time.
    from supervision.selectors import bans_in_force

    organisation, cycle = case.organisation, case.cycle
    return Facts(
        case=case,
        organisation=organisation,
        cycle=cycle,
        form=ApplicationForm.objects.filter(case=case).first(),
        attachment_kinds=set(
            Attachment.objects.filter(case=case, removed_at__isnull=True).values_list(
                "kind", flat=True
            )
        ),
        other_cases=list(
            Case.objects.filter(organisation=organisation)
            .exclude(pk=case.pk)
            .select_related("cycle")
            .order_by("cycle__number")
        ),
        recommendation=(
            case.recommendations.filter(round=case.submission_round)
            .select_related("signed_by")
            .first()
        ),
        bans=list(bans_in_force(organisation, on=cycle.reference_date)),
    )


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _iso_date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def _no_form() -> tuple[str, str]:
    return FAIL, _("申报表尚未填写")


# --- The checks: (facts) -> (result, evidence) -----------------------------------


def _operating_years(f: Facts) -> tuple[str, str]:
    registered = f.organisation.registration_date
    qualifies_on = _add_years(registered, f.cycle.min_operating_years)
    evidence = _("注册日期 %(registered)s，满 %(years)s 年之日 %(due)s，资格基准日 %(ref)s") % {
        "registered": registered.isoformat(),
        "years": f.cycle.min_operating_years,
        "due": qualifies_on.isoformat(),
        "ref": f.reference_date.isoformat(),
    }
    return (PASS if qualifies_on <= f.reference_date else FAIL), evidence


def _certificate(key: str) -> Callable[[Facts], tuple[str, str]]:
    def check(f: Facts) -> tuple[str, str]:
        if f.form is None:
            return _no_form()
        cert = f.form.certificates.get(key) or {}
        number, body = str(cert.get("number") or "").strip(), str(cert.get("body") or "").strip()
        if not number or not body:
            return FAIL, _("未填写证书编号或发证机构")
        issued, expires = _iso_date(cert.get("issued_on")), _iso_date(cert.get("expires_on"))
        if issued is None or expires is None:
            return FAIL, _(
                "证书编号 %(number)s，发证机构 %(body)s；发证日期或有效期缺失或无法识别"
                "（发证日期：%(issued)s，有效期至：%(expires)s）"
            ) % {
                "number": number,
                "body": body,
                "issued": cert.get("issued_on") or "—",
                "expires": cert.get("expires_on") or "—",
            }
        values = {
            "number": number,
            "body": body,
            "issued": issued.isoformat(),
            "expires": expires.isoformat(),
            "ref": f.reference_date.isoformat(),
        }
        if issued <= f.reference_date <= expires:
            return PASS, _(
                "证书编号 %(number)s，发证机构 %(body)s，有效期 %(issued)s 至 %(expires)s，"
                "覆盖资格基准日 %(ref)s"
            ) % values
        return FAIL, _(
            "证书编号 %(number)s，发证机构 %(body)s，有效期 %(issued)s 至 %(expires)s，"
            "资格基准日 %(ref)s 不在有效期内"
        ) % values

    return check


def _certificate_scope(key: str) -> Callable[[Facts], tuple[str, str]]:
    # Whether the certified scope covers the applicant cannot be decided by string
    # matching (abbreviations, former names, group certificates): an officer judges.
    def check(f: Facts) -> tuple[str, str]:
        if f.form is None:
            return _no_form()
        scope = str((f.form.certificates.get(key) or {}).get("scope") or "").strip()
        if not scope:
            return FAIL, _("未填写认证范围")
        return JUDGEMENT, _("认证范围：%(scope)s；申报组织名称：%(name)s") % {
            "scope": scope,
            "name": f.organisation.name,
        }

    return check


def _certificate_attachments(f: Facts) -> tuple[str, str]:
    kinds = [kind for _key, kind, _label, _scope_label in STANDARDS]
    present = [Attachment.Kind(k).label for k in kinds if k in f.attachment_kinds]
    missing = [Attachment.Kind(k).label for k in kinds if k not in f.attachment_kinds]
    if missing:
        return FAIL, _("缺少：%(missing)s") % {"missing": "、".join(str(m) for m in missing)}
    return PASS, _("已上传：%(present)s") % {"present": "、".join(str(p) for p in present)}


def _chief_quality_officer(f: Facts) -> tuple[str, str]:
    if f.form is None:
        return _no_form()
    form = f.form
    missing = [
        str(ApplicationForm._meta.get_field(name).verbose_name)
        for name in ("cqo_name", "cqo_post", "cqo_appointed_on")
        if not getattr(form, name)
    ]
    if missing:
        return FAIL, _("未填写：%(missing)s") % {"missing": "、".join(missing)}
    return PASS, _("%(name)s，%(post)s，%(on)s任命") % {
        "name": form.cqo_name,
        "post": form.cqo_post,
        "on": form.cqo_appointed_on.isoformat(),
    }


def _declaration(answer_field: str, note_field: str) -> Callable[[Facts], tuple[str, str]]:
    """Declared yes → pass; declared no → an officer judges the explanation (a
    minor incident may not disqualify); not declared → fail."""

    def check(f: Facts) -> tuple[str, str]:
        if f.form is None:
            return _no_form()
        answer = getattr(f.form, answer_field)
        label = ApplicationForm._meta.get_field(answer_field).verbose_name
        if answer is None:
            return FAIL, _("未作声明")
        if answer:
            return PASS, _("已声明：%(label)s") % {"label": label}
        note = getattr(f.form, note_field).strip() or _("（未作说明）")
        return JUDGEMENT, _("申报组织声明不符合“%(label)s”，说明：%(note)s") % {
            "label": label,
            "note": note,
        }

    return check


def _no_other_open_case(f: Facts) -> tuple[str, str]:
    closed = TERMINAL | {CaseState.AWARDED}
    open_cases = [c for c in f.other_cases if c.state not in closed]
    if open_cases:
        return FAIL, _("尚有未结束的申报：%(cases)s") % {
            "cases": "；".join(
                _("%(cycle)s（%(state)s）")
                % {"cycle": c.cycle.title, "state": c.get_state_display()}
                for c in open_cases
            )
        }
    return PASS, _("无其他未结束的申报")


def _no_valid_title(f: Facts) -> tuple[str, str]:
    valid = [
        c
        for c in f.other_cases
        if c.state == CaseState.AWARDED
        and c.award_valid_until is not None
        and c.award_valid_until >= f.reference_date
    ]
    if valid:
        return FAIL, "；".join(
            _("已获%(award)s，称号有效期至 %(until)s，资格基准日 %(ref)s 仍在有效期内")
            % {
                "award": c.cycle.title,
                "until": c.award_valid_until.isoformat(),
                "ref": f.reference_date.isoformat(),
            }
            for c in valid
        )
    return PASS, _("资格基准日 %(ref)s 无有效期内的获奖称号") % {
        "ref": f.reference_date.isoformat()
    }


def _no_ban(f: Facts) -> tuple[str, str]:
    if f.bans:
        return FAIL, "；".join(
            _("%(basis)s：%(reason)s（禁止申报至 %(until)s）")
            % {
                "basis": ban.get_legal_basis_display(),
                "reason": ban.reason,
                "until": ban.ends_on.isoformat(),
            }
            for ban in f.bans
        )
    return PASS, _("资格基准日 %(ref)s 无有效的禁止申报记录") % {
        "ref": f.reference_date.isoformat()
    }


def _recommendation(f: Facts) -> tuple[str, str]:
    rec = f.recommendation
    if rec is None:
        return FAIL, _("第 %(round)s 次提交尚无县市区推荐意见") % {"round": f.case.submission_round}
    return PASS, _("%(by)s 于 %(at)s 签署：%(opinion)s") % {
        "by": rec.signed_by.display_name,
        "at": timezone.localdate(rec.signed_at).isoformat(),
        "opinion": rec.opinion,
    }


@dataclass(frozen=True)
class CheckDefinition:
    code: str
    label: Promise
    compute: Callable[[Facts], tuple[str, str]]


CHECKS: tuple[CheckDefinition, ...] = (
    CheckDefinition(
        "operating_years", gettext_lazy("依法注册并正常运行满规定年限"), _operating_years
    ),
    *(
        CheckDefinition(f"certificate_{key}", label, _certificate(key))
        for key, _kind, label, _scope_label in STANDARDS
    ),
    *(
        CheckDefinition(f"certificate_scope_{key}", scope_label, _certificate_scope(key))
        for key, _kind, _label, scope_label in STANDARDS
    ),
    CheckDefinition(
        "certificate_attachments",
        gettext_lazy("已上传三项管理体系认证证书"),
        _certificate_attachments,
    ),
    CheckDefinition(
        "chief_quality_officer", gettext_lazy("已设立首席质量官"), _chief_quality_officer
    ),
    CheckDefinition(
        "accident_declaration",
        gettext_lazy("近三年无较大及以上质量、安全、环境、公共卫生事故"),
        _declaration("no_major_accident", "accident_description"),
    ),
    CheckDefinition(
        "violation_declaration",
        gettext_lazy("近三年无违法违规行为"),
        _declaration("no_violation", "violation_description"),
    ),
    CheckDefinition(
        "credit_declaration",
        gettext_lazy("诚信记录和社会信誉良好"),
        _declaration("credit_good", "credit_note"),
    ),
    CheckDefinition("no_other_open_case", gettext_lazy("无其他未结束的申报"), _no_other_open_case),
    CheckDefinition(
        "no_valid_title",
        gettext_lazy("不处于市长质量奖称号有效期内（第十七条）"),
        _no_valid_title,
    ),
    CheckDefinition("no_ban", gettext_lazy("不处于禁止申报期内（第十九条）"), _no_ban),
    CheckDefinition("recommendation", gettext_lazy("县市区已出具推荐意见"), _recommendation),
)
CHECK_CODES = tuple(c.code for c in CHECKS)


def screening_checks(case: Case) -> list[PreCheck]:
    """Every pre-check of the case, computed now, in registry order."""
    facts = _facts(case)
    checks = []
    for definition in CHECKS:
        result, evidence = definition.compute(facts)
        checks.append(PreCheck(definition.code, definition.label, result, str(evidence)))
    return checks


@dataclass(frozen=True)
class ChecklistRow:
    """A pre-check with the officer's decision for the current round, if any."""

    check: PreCheck
    decision: ScreeningDecision | None

    @property
    def stale(self) -> bool:
        """Decided on an automatic result that no longer holds."""
        return self.decision is not None and self.decision.automatic_result != self.check.result

    @property
    def awaits_confirmation(self) -> bool:
        """An automatic pass not decided in this round (or whose decision lapsed):
        the office may confirm it together with the others."""
        return self.check.result == PASS and (self.decision is None or self.stale)

    @property
    def final_result(self) -> str | None:
        if self.decision is None or self.stale:
            return None
        return self.decision.final_result

    @property
    def problem(self) -> str:
        """Why this row blocks acceptance ("" when it does not)."""
        values = {"label": self.check.label}
        if self.decision is None:
            return _("“%(label)s”尚未确认。") % values
        if self.stale:
            return _("“%(label)s”的自动检查结果已变化，需重新确认。") % values
        if self.final_result == FAIL:
            return _("“%(label)s”未通过。") % values
        return ""


def screening_checklist(case: Case) -> list[ChecklistRow]:
    decisions = {
        d.code: d
        for d in ScreeningDecision.objects.filter(
            case=case, round=case.submission_round
        ).select_related("decided_by")
    }
    return [ChecklistRow(check, decisions.get(check.code)) for check in screening_checks(case)]


def screening_missing(case: Case) -> list[str]:
    """Readable reasons the case cannot be accepted yet: a check without a valid
    decision for the current round, or a check decided as failed."""
    return [row.problem for row in screening_checklist(case) if row.problem]


def cases_for_screening(user: User, *, cycle: AwardCycle) -> QuerySet[Case]:
    """The cycle's recommended cases this user can see, oldest first, with the
    time each entered screening and its decision counts for the current round."""
    from .selectors import cases_visible_to

    current = Q(screening_decisions__round=F("submission_round"))
    return with_entered_at(
        cases_visible_to(user)
        .filter(cycle=cycle, state=CaseState.RECOMMENDED)
        .annotate(
            decided_count=Count("screening_decisions", filter=current),
            failed_count=Count(
                "screening_decisions",
                filter=current & Q(screening_decisions__final_result=FAIL),
            ),
        )
    ).order_by("entered_at", "pk")
