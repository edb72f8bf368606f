"""Complaints and reports about the review (投诉举报, Art. 23): lodged by anyone
on the public site, investigated and handled by the office; an upheld complaint
against a reviewer leads to the Art. 26 decision on the reviewer.

Anonymous reports (匿名举报) are accepted. A well-run public service does not
turn away a report of wrongdoing because the reporter fears retaliation — the
discipline bodies' 12388 reporting platform and the 12345 hotlines accept
anonymous reports and give the reporter a query code. What anonymity costs is
said plainly on the form: the office cannot ask for more facts nor send the
outcome, so such a report is marked anonymous, stores no name, contact or
account (even when the reporter is logged in), and its receipt number is the
only key to the lookup page (left with an empty phone field), which shows the
status and the outcome summary — text the office writes for the public. A
signed complaint is looked up with its receipt and the phone given, and the
complainant is told the outcome by e-mail when an address was given."""

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
from hengyang_award.core.models import User
from hengyang_award.core.selectors import office_users
from hengyang_award.core.services import audit_log_write
from hengyang_award.jobs.outbox import outbox_enqueue
from hengyang_award.notifications.services import notify
from hengyang_award.workcalendar.days import add_working_days
from publicity import receipts
from publicity.services.objections import ANONYMOUS_NAMES

from ..models import Assignment, Reviewer
from ..models_complaints import Complaint, ComplaintFile
from ..selectors_complaints import complaint_cases, complaint_cycles
from .pool import reviewer_status_change

MEBIBYTE = 1024 * 1024
# Fewer characters than this cannot state who did what, when: the office could
# not investigate (a form rule, not one of the Measures' numbers).
FACTS_MIN_LENGTH = 20
VIEW_PERMISSION = "review.view_complaint"
HANDLE_PERMISSION = "review.change_complaint"
# The Art. 26 decisions an upheld complaint can lead to.
REVIEWER_ACTIONS = (Reviewer.Status.SUSPENDED, Reviewer.Status.DISQUALIFIED)

Evidence = tuple[BinaryIO, str]


def _digits(phone: str) -> str:
    return "".join(c for c in phone if c.isdigit())


def _evidence_check(cycle, evidence: list[Evidence]) -> list[files.CheckedFile]:
    return files.check_uploads(
        cycle,
        evidence,
        field="evidence",
        total_message=_("证据材料总量超过上限（%(limit)s MB），请压缩后再提交。"),
    )


def _evidence_store(
    complaint: Complaint,
    evidence: list[Evidence],
    checked: list[files.CheckedFile],
    *,
    source: str,
    by: User | None,
) -> None:
    for (stream, _name), result in zip(evidence, checked, strict=True):
        stream.seek(0)
        extension = files.ALLOWED_TYPES[result.kind][1][0]
        name = default_storage.save(
            f"complaints/{complaint.pk}/{uuid.uuid4().hex}{extension}", stream
        )
        stored = ComplaintFile.objects.create(
            complaint=complaint,
            source=source,
            file=name,
            original_name=result.safe_name,
            mime=result.mime,
            size=result.size,
            sha256=result.sha256,
            uploaded_by=by if by is not None and by.pk else None,
        )
        audit_log_write(
            "complaint.file",
            actor=by,
            obj=stored,
            complaint=complaint.pk,
            source=source,
            sha256=result.sha256,
        )


def complaint_refusals(
    *, anonymous: bool, complainant_name: str, phone: str, facts: str
) -> dict[str, str]:
    """Why a complaint cannot be accepted as lodged (field -> reason)."""
    reasons: dict[str, str] = {}
    if not anonymous:
        name = complainant_name.strip()
        if not name or name.lower() in ANONYMOUS_NAMES or len(name) < 2:
            reasons["complainant_name"] = _(
                "请填写真实姓名；如不愿署名，请勾选“匿名举报”（匿名举报无法查询联系人或告知结果）。"
            )
        if len(_digits(phone)) < 7:
            reasons["phone"] = _("请填写能联系到您的电话号码，以便核实情况和查询处理结果。")
    if len(facts.strip()) < FACTS_MIN_LENGTH:
        reasons["facts"] = _(
            "请写明具体事实：什么人、在什么时间、哪个评审环节、做了什么（不少于%(n)d个字）。"
        ) % {"n": FACTS_MIN_LENGTH}
    return reasons


def _receipt_free_create(**values) -> Complaint:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Complaint.objects.create(receipt=receipts.receipt_new(), **values)
        except IntegrityError:
            continue
    raise RuntimeError("no free receipt number")  # pragma: no cover - 31^10 receipts


@transaction.atomic
def complaint_submit(
    *,
    cycle_id: int,
    kind: str,
    facts: str,
    anonymous: bool = False,
    complainant_name: str = "",
    complainant_organisation: str = "",
    phone: str = "",
    email: str = "",
    person_concerned: str = "",
    case_id: int | None = None,
    evidence: list[Evidence] | None = None,
    by: User | None = None,
    at: datetime.datetime | None = None,
) -> Complaint:
    """Anyone lodges a complaint or report about the review of a cycle (and
    optionally about one applicant's case). Refused with reasons when incomplete;
    every evidence file is checked before anything is stored. The office is told."""
    at = at or timezone.now()
    reasons = complaint_refusals(
        anonymous=anonymous, complainant_name=complainant_name, phone=phone, facts=facts
    )
    if kind not in Complaint.Kind.values:
        reasons["kind"] = _("请选择投诉举报的事项。")
    cycle = complaint_cycles().filter(pk=cycle_id).first()
    if cycle is None:
        reasons["cycle"] = _("请选择所涉及的评审届次。")
    case = None
    if case_id is not None and cycle is not None:
        case = complaint_cases([cycle.pk]).filter(pk=case_id).first()
        if case is None:
            reasons["case"] = _("所选组织不属于该届次的受理名单，请重新选择或不选。")
    if reasons:
        raise ValidationError(reasons)
    checked = _evidence_check(cycle, evidence or [])
    due = add_working_days(timezone.localdate(at), n=cycle.objection_working_days)
    signed = {
        "complainant_name": complainant_name.strip(),
        "complainant_organisation": complainant_organisation.strip(),
        "phone": phone.strip(),
        "email": email.strip(),
        "submitted_by": by if by is not None and by.is_authenticated else None,
    }
    complaint = _receipt_free_create(
        cycle=cycle,
        case=case,
        kind=kind,
        anonymous=anonymous,
        **({} if anonymous else signed),
        person_concerned=person_concerned.strip(),
        facts=facts.strip(),
        received_at=at,
        due_on=due.day,
        due_provisional=due.provisional,
    )
    _evidence_store(
        complaint, evidence or [], checked, source=ComplaintFile.Source.COMPLAINANT, by=None
    )
    audit_log_write(
        "complaint.receive",
        obj=complaint,
        cycle=cycle.pk,
        case=case.pk if case else None,
        kind=kind,
        anonymous=anonymous,
        files=len(checked),
        due_on=due.day.isoformat(),
    )
    notify(
        office_users(),
        kind="complaint_received",
        subject=gettext_lazy("收到投诉举报：%(receipt)s"),
        body=gettext_lazy(
            "收到一件关于评审工作的投诉举报（受理编号%(receipt)s，事项：%(kind)s），"
            "请在%(due)s前调查核实并处理。"
        ),
        params={
            "receipt": receipts.receipt_display(complaint.receipt),
            "kind": complaint.get_kind_display,
            "due": due.day.isoformat(),
        },
        link=reverse("review:complaint_detail", args=[complaint.pk]),
        dedupe_key=f"complaint-received:{complaint.pk}",
    )
    return complaint


def complaint_lookup(receipt: str, phone: str) -> Complaint | None:
    """The complaint with this receipt whose phone matches the one given (an
    anonymous report: no phone given); None whichever of the two was wrong."""
    value = receipts.receipt_normalise(receipt)
    complaint = Complaint.objects.filter(receipt=value).first() if value else None
    given = _digits(phone)
    expected = _digits(complaint.phone) if complaint else "-"
    if complaint is None or not constant_time_compare(given, expected):
        return None
    return complaint


def _require(by: User, permission: str = HANDLE_PERMISSION) -> None:
    if not by.has_perm(permission):
        raise PermissionDenied(_("只有评审办工作人员可以处理投诉举报。"))


def _locked(complaint_id: int, by: User) -> Complaint:
    complaint = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("cycle")
        .filter(pk=complaint_id)
        .exclude(reviewer__user=by)
        .first()
    )
    if complaint is None:
        raise Complaint.DoesNotExist
    return complaint


@transaction.atomic
def complaint_investigation_start(complaint_id: int, *, by: User, note: str = "") -> Complaint:
    """The office takes up a received complaint."""
    _require(by)
    complaint = _locked(complaint_id, by)
    if complaint.status != Complaint.Status.RECEIVED:
        raise ValidationError(_("该投诉举报已在调查中或已办结。"))
    complaint.status = Complaint.Status.INVESTIGATING
    complaint.investigation_started_at = timezone.now()
    complaint.investigated_by = by
    complaint.save(update_fields=["status", "investigation_started_at", "investigated_by"])
    audit_log_write("complaint.investigate", actor=by, obj=complaint, note=note.strip())
    return complaint


@transaction.atomic
def complaint_close(
    complaint_id: int,
    *,
    by: User,
    outcome: str,
    findings: str,
    outcome_summary: str,
    evidence: list[Evidence] | None = None,
) -> Complaint:
    """The office's conclusion: upheld or dismissed, with the internal findings
    and the summary the complainant is told (lookup page, e-mail if given)."""
    _require(by)
    complaint = _locked(complaint_id, by)
    if complaint.status != Complaint.Status.INVESTIGATING:
        raise ValidationError(_("只有调查核实中的投诉举报才能作出处理结论。"))
    errors = {}
    if outcome not in Complaint.CLOSED:
        errors["outcome"] = _("请选择处理结论。")
    if not findings.strip():
        errors["findings"] = _("请填写调查核实情况。")
    if not outcome_summary.strip():
        errors["outcome_summary"] = _("请填写告知投诉人的处理结果。")
    if errors:
        raise ValidationError(errors)
    checked = _evidence_check(complaint.cycle, evidence or [])
    complaint.status = outcome
    complaint.findings = findings.strip()
    complaint.outcome_summary = outcome_summary.strip()
    complaint.closed_at = timezone.now()
    complaint.closed_by = by
    complaint.save(
        update_fields=["status", "findings", "outcome_summary", "closed_at", "closed_by"]
    )
    _evidence_store(complaint, evidence or [], checked, source=ComplaintFile.Source.OFFICE, by=by)
    audit_log_write("complaint.close", actor=by, obj=complaint, outcome=outcome)
    if complaint.email:
        outbox_enqueue(
            "review.complaint_outcome_mail",
            dedupe_key=f"complaint-outcome:{complaint.pk}",
            complaint_id=complaint.pk,
        )
    return complaint


@transaction.atomic
def complaint_reviewer_action(
    complaint_id: int, *, by: User, reviewer_id: int, status: str, reason: str
) -> list[Assignment]:
    """Art. 26 on an upheld complaint against a reviewer: suspend or disqualify
    the reviewer through the pool's own service, with this complaint as the
    evidence. Returns the reviewer's open assignments, which the office must
    reassign. The complaint records the reviewer and the decision."""
    _require(by)
    complaint = _locked(complaint_id, by)
    if complaint.status != Complaint.Status.UPHELD or complaint.kind != Complaint.Kind.REVIEWER:
        raise ValidationError(_("只有经查属实的针对评审员的投诉举报才能据此处理评审员。"))
    if status not in REVIEWER_ACTIONS:
        raise ValidationError({"status": _("请选择暂停或取消评审员资格。")})
    reviewer = Reviewer.objects.filter(pk=reviewer_id).first()
    if reviewer is None:
        raise ValidationError({"reviewer": _("请选择被投诉的评审员。")})
    if reviewer.user_id is not None and reviewer.user_id == by.pk:
        raise PermissionDenied(_("不能处理针对本人的投诉举报。"))
    open_assignments = reviewer_status_change(
        reviewer.pk,
        by=by,
        status=status,
        reason=reason,
        evidence=_("投诉举报 %(receipt)s（%(link)s）")
        % {
            "receipt": receipts.receipt_display(complaint.receipt),
            "link": reverse("review:complaint_detail", args=[complaint.pk]),
        },
    )
    complaint.reviewer = reviewer
    complaint.reviewer_action = status
    complaint.reviewer_action_at = timezone.now()
    complaint.reviewer_action_by = by
    complaint.save(
        update_fields=["reviewer", "reviewer_action", "reviewer_action_at", "reviewer_action_by"]
    )
    audit_log_write(
        "complaint.reviewer_action",
        actor=by,
        obj=complaint,
        reviewer=reviewer.pk,
        status=status,
        open_assignments=[a.pk for a in open_assignments],
    )
    return open_assignments


@transaction.atomic
def complaint_outcome_mail(complaint_id: int) -> bool:
    """Send the complainant the outcome once. True when sent now."""
    from django.conf import settings
    from django.core.mail import send_mail

    complaint = Complaint.objects.select_for_update().get(pk=complaint_id)
    if not complaint.email or complaint.is_open or complaint.outcome_mailed_at:
        return False
    link = settings.SITE_URL.rstrip("/") + reverse("public_complaints:lookup")
    send_mail(
        _("您反映的评审工作问题已有处理结果"),
        _(
            "您好：\n\n您提出的投诉举报（受理编号%(receipt)s）已办结：%(status)s。\n"
            "处理结果：%(summary)s\n\n请凭受理编号和联系电话在以下页面查看：%(link)s\n\n%(office)s"
        )
        % {
            "receipt": receipts.receipt_display(complaint.receipt),
            "status": complaint.get_status_display(),
            "summary": complaint.outcome_summary,
            "link": link,
            "office": settings.AWARD_OFFICE_NAME,
        },
        None,
        [complaint.email],
        fail_silently=False,
    )
    complaint.outcome_mailed_at = timezone.now()
    complaint.save(update_fields=["outcome_mailed_at"])
    audit_log_write("complaint.mail", obj=complaint, status=complaint.status)
    return True
