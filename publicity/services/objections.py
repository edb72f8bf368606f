"""Objections to a publicity notice (Art. 10(6)-(7)): lodged by the public,
investigated by the office, verified ones decided by the committee."""

import datetime
import uuid
from typing import BinaryIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import files
from applications.models import Case
from applications.services import fire
from applications.workflow import CaseState, publicity_period_running
from hengyang_award.core.models import User
from hengyang_award.core.selectors import office_users
from hengyang_award.core.services import audit_log_write
from hengyang_award.jobs.outbox import outbox_enqueue
from hengyang_award.notifications.services import notify
from hengyang_award.workcalendar.days import add_working_days

from .. import receipts
from ..idnumbers import id_number_valid
from ..models import Notice, Objection, ObjectionFile

MEBIBYTE = 1024 * 1024
# Words people type instead of a name; an objection signed so is anonymous.
ANONYMOUS_NAMES = frozenset(
    {
        "匿名",
        "无名",
        "无名氏",
        "不详",
        "某某",
        "群众",
        "知情人",
        "知情者",
        "网友",
        "anonymous",
        "n/a",
    }
)

Evidence = tuple[BinaryIO, str]


def _phone_clean(phone: str) -> str:
    return "".join(c for c in phone if c.isdigit())


def _publicity_notice_of(case: Case) -> Notice | None:
    return (
        Notice.objects.filter(kind=Notice.Kind.PUBLICITY, published_at__isnull=False, cases=case)
        .order_by("-published_at", "-pk")
        .first()
    )


def _evidence_check(cycle, evidence: list[Evidence]) -> list[files.CheckedFile]:
    return files.check_uploads(
        cycle,
        evidence,
        field="evidence",
        total_message=_("证据材料总量超过上限（%(limit)s MB），请压缩后再提交。"),
    )


def _evidence_store(
    objection: Objection,
    stream: BinaryIO,
    checked: files.CheckedFile,
    *,
    source: str,
    by: User | None,
) -> ObjectionFile:
    stream.seek(0)
    extension = files.ALLOWED_TYPES[checked.kind][1][0]
    name = default_storage.save(f"objections/{objection.pk}/{uuid.uuid4().hex}{extension}", stream)
    stored = ObjectionFile.objects.create(
        objection=objection,
        source=source,
        file=name,
        original_name=checked.safe_name,
        mime=checked.mime,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=by if by is not None and by.pk else None,
    )
    audit_log_write(
        "objection.file",
        actor=by,
        obj=stored,
        objection=objection.pk,
        source=source,
        sha256=checked.sha256,
    )
    return stored


def objection_refusals(
    *,
    objector_name: str,
    objector_id_number: str,
    objector_organisation: str,
    phone: str,
    facts: str,
) -> dict[str, str]:
    """Why an objection cannot be accepted as lodged (field -> reason): the
    Measures accept only signed objections with a contact and facts."""
    reasons: dict[str, str] = {}
    name = objector_name.strip()
    if not name or name.lower() in ANONYMOUS_NAMES or len(name) < 2:
        reasons["objector_name"] = _("异议须以真实姓名提出，匿名或未署真实姓名的异议不予受理。")
    id_number = objector_id_number.strip().upper()
    if not id_number and not objector_organisation.strip():
        reasons["objector_id_number"] = _(
            "请填写身份证号码或所在单位（至少一项），否则异议不予受理。"
        )
    elif id_number and not id_number_valid(id_number):
        reasons["objector_id_number"] = _("身份证号码不正确，请核对后重新填写。")
    if len(_phone_clean(phone)) < 7:
        reasons["phone"] = _("请填写能联系到您的电话号码，否则异议不予受理。")
    if not facts.strip():
        reasons["facts"] = _("请写明异议的具体事实和理由，否则异议不予受理。")
    return reasons


@transaction.atomic
def objection_submit(
    *,
    case_id: int,
    objector_name: str,
    phone: str,
    facts: str,
    objector_id_number: str = "",
    objector_organisation: str = "",
    email: str = "",
    evidence: list[Evidence] | None = None,
    at: datetime.datetime | None = None,
) -> Objection:
    """A member of the public lodges an objection against a candidate on a published
    publicity notice. Refused (ValidationError with the reason) when anonymous,
    incomplete or outside the publicity period (the dates are given)."""
    at = at or timezone.now()
    today = timezone.localdate(at)
    reasons = objection_refusals(
        objector_name=objector_name,
        objector_id_number=objector_id_number,
        objector_organisation=objector_organisation,
        phone=phone,
        facts=facts,
    )
    if reasons:
        raise ValidationError(reasons)
    case = Case.objects.select_for_update().select_related("cycle", "organisation").get(pk=case_id)
    notice = _publicity_notice_of(case)
    if notice is None or case.state not in (
        CaseState.IN_PUBLICITY,
        CaseState.UNDER_OBJECTION,
        CaseState.DIRECTOR_REVIEW,
        CaseState.MAYOR_APPROVAL,
        CaseState.AWARDED,
    ):
        raise ValidationError({"case": _("所选组织不在公示名单中。")})
    dates = {
        "start": notice.period_starts_on.isoformat(),
        "end": notice.period_ends_on.isoformat(),
    }
    if today < notice.period_starts_on:
        raise ValidationError(
            {"case": _("公示期为%(start)s至%(end)s，尚未开始，请在公示期内提出异议。") % dates}
        )
    if today > notice.period_ends_on:
        raise ValidationError(
            {"case": _("公示期为%(start)s至%(end)s，已经结束，不再受理异议。") % dates}
        )
    checked = _evidence_check(case.cycle, evidence or [])
    due = add_working_days(today, n=case.cycle.objection_working_days)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                objection = Objection.objects.create(
                    cycle=case.cycle,
                    notice=notice,
                    case=case,
                    receipt=receipts.receipt_new(),
                    objector_name=objector_name.strip(),
                    objector_id_number=objector_id_number.strip().upper(),
                    objector_organisation=objector_organisation.strip(),
                    phone=phone.strip(),
                    email=email.strip(),
                    facts=facts.strip(),
                    received_at=at,
                    due_on=due.day,
                    due_provisional=due.provisional,
                )
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover - 31^10 receipts make five collisions unthinkable
        raise RuntimeError("no free receipt number")
    for (stream, _name), result in zip(evidence or [], checked, strict=True):
        _evidence_store(objection, stream, result, source=ObjectionFile.Source.OBJECTOR, by=None)
    audit_log_write(
        "objection.receive",
        obj=objection,
        case=case.pk,
        notice=notice.pk,
        files=len(checked),
        due_on=due.day.isoformat(),
    )
    office = office_users()
    notify(
        office,
        kind="objection_received",
        subject=gettext_lazy("收到公示异议：%(org)s"),
        body=gettext_lazy(
            "公示期间收到对%(org)s的异议（受理编号%(receipt)s），请在%(due)s前完成核查。"
        ),
        params={
            "org": case.organisation.name,
            "receipt": receipts.receipt_display(objection.receipt),
            "due": due.day.isoformat(),
        },
        link=reverse("publicity:objection_detail", args=[objection.pk]),
        dedupe_key=f"objection-received:{objection.pk}",
    )
    return objection


def objection_lookup(receipt: str, phone: str) -> Objection | None:
    """The objection with this receipt number, if the phone given matches the one
    it was lodged with; otherwise None, whichever of the two was wrong."""
    value = receipts.receipt_normalise(receipt)
    objection = Objection.objects.filter(receipt=value).first() if value else None
    given = _phone_clean(phone)
    expected = _phone_clean(objection.phone) if objection else "0" * 11
    if objection is None or not given or not constant_time_compare(given, expected):
        return None
    return objection


def _locked(objection_id: int) -> Objection:
    return (
        Objection.objects.select_for_update().select_related("case", "cycle").get(pk=objection_id)
    )


def _require(by: User, perm: str, case: Case) -> None:
    if not (by.has_perm(perm) or by.has_perm(perm, case)):
        raise PermissionDenied(_("您没有执行此操作的权限。"))


@transaction.atomic
def objection_investigation_start(
    objection_id: int, *, by: User, note: str = "", fire_transition: bool = True
) -> Objection:
    """The office takes up a received objection; the case goes under objection
    (unless another objection already put it there). `fire_transition=False`
    leaves the case to the caller (demo preparers)."""
    objection = _locked(objection_id)
    _require(by, "applications.handle_objection_case", objection.case)
    if objection.status != Objection.Status.RECEIVED:
        raise ValidationError(_("该异议已在核查中或已办结。"))
    objection.status = Objection.Status.INVESTIGATING
    objection.investigation_started_at = timezone.now()
    objection.investigated_by = by
    objection.save(update_fields=["status", "investigation_started_at", "investigated_by"])
    audit_log_write(
        "objection.investigate", actor=by, obj=objection, case=objection.case_id, note=note
    )
    case = Case.objects.get(pk=objection.case_id)
    if fire_transition and case.state == CaseState.IN_PUBLICITY:
        fire(
            case.pk,
            "raise_objection",
            by=by,
            note=note.strip() or _("公示期间收到异议，评审办正在核查。"),
        )
    return objection


@transaction.atomic
def objection_close(
    objection_id: int,
    *,
    by: User,
    outcome: str,
    findings: str,
    evidence: list[Evidence] | None = None,
    fire_transition: bool = True,
) -> Objection:
    """The office's findings. Unfounded: once no objection on the case is open the
    case continues its publicity (period running) or goes to the director (period
    over). Verified: the committee decides (`objection_committee_decide`)."""
    objection = _locked(objection_id)
    _require(by, "applications.handle_objection_case", objection.case)
    if objection.status != Objection.Status.INVESTIGATING:
        raise ValidationError(_("只有核查中的异议才能作出核查结论。"))
    if outcome not in (Objection.Status.VERIFIED, Objection.Status.UNFOUNDED):
        raise ValidationError({"outcome": _("请选择核查结论。")})
    if not findings.strip():
        raise ValidationError({"findings": _("请填写核查情况和结论。")})
    checked = _evidence_check(objection.cycle, evidence or [])
    objection.status = outcome
    objection.findings = findings.strip()
    objection.closed_at = timezone.now()
    objection.closed_by = by
    objection.save(update_fields=["status", "findings", "closed_at", "closed_by"])
    for (stream, _name), result in zip(evidence or [], checked, strict=True):
        _evidence_store(objection, stream, result, source=ObjectionFile.Source.OFFICE, by=by)
    audit_log_write(
        "objection.close", actor=by, obj=objection, case=objection.case_id, outcome=outcome
    )
    if outcome == Objection.Status.UNFOUNDED:
        _outcome_tell(objection)
        case = Case.objects.get(pk=objection.case_id)
        still_open = Objection.objects.filter(case=case, status__in=Objection.OPEN).exists()
        if fire_transition and case.state == CaseState.UNDER_OBJECTION and not still_open:
            name = "dismiss_objection" if publicity_period_running(case) else "clear_objection"
            fire(case.pk, name, by=by, note=findings.strip())
    return objection


@transaction.atomic
def objection_committee_decide(objection_id: int, *, by: User, decision: str) -> Objection:
    """The committee director records the committee's decision on a verified
    objection: the candidate is disqualified (Art. 10(7))."""
    objection = _locked(objection_id)
    _require(by, "applications.decide_case", objection.case)
    if objection.status != Objection.Status.VERIFIED:
        raise ValidationError(_("只有经评审办查实的异议才能提交评委会决定。"))
    if not decision.strip():
        raise ValidationError({"decision": _("请填写评委会的决定。")})
    objection.status = Objection.Status.DISQUALIFIED
    objection.committee_decision = decision.strip()
    objection.committee_decided_at = timezone.now()
    objection.committee_decided_by = by
    objection.save(
        update_fields=[
            "status",
            "committee_decision",
            "committee_decided_at",
            "committee_decided_by",
        ]
    )
    audit_log_write("objection.decide", actor=by, obj=objection, case=objection.case_id)
    case = Case.objects.get(pk=objection.case_id)
    if case.state == CaseState.UNDER_OBJECTION:
        fire(case.pk, "disqualify", by=by, note=decision.strip())
    _outcome_tell(objection)
    return objection


def _outcome_tell(objection: Objection) -> None:
    """The objector learns the outcome on the lookup page; by e-mail too if given."""
    if objection.email:
        outbox_enqueue(
            "publicity.objection_outcome_mail",
            dedupe_key=f"objection-outcome:{objection.pk}",
            objection_id=objection.pk,
        )


@transaction.atomic
def objection_outcome_mail(objection_id: int) -> bool:
    """Send the objector the outcome once (per outcome). True when sent now."""
    from django.conf import settings
    from django.core.mail import send_mail

    objection = (
        Objection.objects.select_for_update()
        .select_related("case__organisation")
        .get(pk=objection_id)
    )
    if not objection.email or objection.is_open or objection.outcome_mailed_at:
        return False
    link = settings.SITE_URL.rstrip("/") + reverse("public:objection_lookup")
    send_mail(
        _("您提出的公示异议已有处理结果"),
        _(
            "您好：\n\n您就%(org)s提出的公示异议（受理编号%(receipt)s）已有处理结果：%(status)s。"
            "\n请凭受理编号和联系电话在以下页面查看：%(link)s\n\n%(office)s"
        )
        % {
            "org": objection.case.organisation.name,
            "receipt": receipts.receipt_display(objection.receipt),
            "status": objection.get_status_display(),
            "link": link,
            "office": settings.AWARD_OFFICE_NAME,
        },
        None,
        [objection.email],
        fail_silently=False,
    )
    objection.outcome_mailed_at = timezone.now()
    objection.save(update_fields=["outcome_mailed_at"])
    audit_log_write("objection.mail", obj=objection, status=objection.status)
    return True
