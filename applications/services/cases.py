"""Every write on cases. `fire` is the only function that moves a case."""

import datetime
import hashlib
import uuid
from dataclasses import dataclass
from typing import BinaryIO

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed
from guardian.shortcuts import assign_perm

from hengyang_award.core.models import AwardCycle, Organisation, User
from hengyang_award.core.roles import Role
from hengyang_award.core.services import audit_log_write, system_user
from hengyang_award.jobs.outbox import outbox_enqueue
from hengyang_award.notifications.services import notify

from .. import deadlines, workflow
from ..models import Attachment, Case, CaseDocument, CaseEvent, CaseReminder, Recommendation
from ..notices import audience_users, case_notify_transition
from ..workflow import CaseState


class TransitionBlocked(Exception):  # noqa: N818 — the house style's name
    """A transition that cannot fire now, with reasons a user can read."""

    def __init__(self, case: Case, name: str, reasons: list[str]) -> None:
        self.case = case
        self.name = name
        self.reasons = reasons
        super().__init__("；".join(reasons))


class AlreadyHandled(TransitionBlocked):
    """The case is no longer in the state the user acted on (someone acted first)."""


def transition_meta(name: str):
    """The django-fsm metadata of a transition method of Case."""
    method = getattr(Case, name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None:
        raise ValueError(name)
    return meta


def transition_requires_note(case: Case, name: str) -> bool:
    transition = transition_meta(name).get_transition(case.state)
    return bool(transition and transition.custom.get("note_required"))


# The object rights each party gets on a case, granted at a named workflow point:
# the organisation's users when the draft is opened, the county's officials at
# submission, the office when the county recommends, the committee at candidacy,
# the mayor when the director has reviewed. Role-wide action permissions matter only
# on cases a user can see.
ORGANISATION_CASE_PERMS = ("view_case", "change_case", "submit_case", "withdraw_case")
ACCESS_GRANTED_BY_TRANSITION: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "submit": (("county", ("view_case", "recommend_case")),),
    "recommend": ((Role.OFFICE_STAFF, ("view_case",)),),
    # The committee's members get candidates one by one, from the committee of the
    # case's own cycle (committee app, `register_after_transition`).
    "nominate": ((Role.COMMITTEE_DIRECTOR, ("view_case",)),),
    "director_approve": ((Role.MAYOR, ("view_case",)),),
}


# Stage apps add what must happen in the same transaction as a transition (grants to
# a cycle's committee, an award record …) with `register_after_transition` from
# their AppConfig.ready; each hook gets the saved case and its event.
_after_transition: dict[str, list] = {}


def register_after_transition(name: str, hook) -> None:
    hooks = _after_transition.setdefault(name, [])
    if hook not in hooks:
        hooks.append(hook)


def _grant_access(case: Case, name: str) -> None:
    for holder, perms in ACCESS_GRANTED_BY_TRANSITION.get(name, ()):
        group = (
            case.organisation.county.group if holder == "county" else Group.objects.get(name=holder)
        )
        for perm in perms:
            assign_perm(f"applications.{perm}", group, case)


@transaction.atomic
def fire(
    case_id: int,
    name: str,
    *,
    by: User,
    note: str = "",
    expected_state: str | None = None,
    **arguments,
) -> Case:
    """Lock the case, check state, permission and conditions, run the transition,
    save, and write its audit event, all in one transaction."""
    case = Case.objects.select_for_update().select_related("cycle").get(pk=case_id)
    if expected_state is not None and case.state != expected_state:
        raise AlreadyHandled(
            case,
            name,
            workflow.why_blocked(case, name)
            or [
                str(
                    _("此事项已由他人处理，当前状态为“%(state)s”。")
                    % {"state": case.get_state_display()}
                )
            ],
        )
    step = getattr(case, name)
    if not can_proceed(step, check_conditions=False):
        raise AlreadyHandled(case, name, workflow.why_blocked(case, name))
    transition = step._django_fsm.get_transition(case.state)
    if not transition.has_perm(case, by):
        raise PermissionDenied(_("您没有执行此操作的权限。"))
    if transition.custom.get("note_required") and not note.strip():
        raise TransitionBlocked(case, name, [str(_("请填写理由或意见。"))])
    if not can_proceed(step):
        raise TransitionBlocked(case, name, workflow.why_blocked(case, name))
    source = case.state
    step(**arguments)
    case.save()
    previous = CaseEvent.objects.filter(case=case).order_by("-at", "-pk").first()
    event = CaseEvent(
        case=case,
        actor=by,
        name=name,
        source=source,
        target=case.state,
        note=note.strip(),
        prev_hash=previous.hash if previous else "",
    )
    event.hash = event.compute_hash()
    event.save()
    _grant_access(case, name)
    for hook in _after_transition.get(name, ()):
        hook(case, event)
    case_notify_transition(case, event)
    return case


@transaction.atomic
def case_create(*, cycle: AwardCycle, organisation: Organisation, by: User) -> Case:
    """Open a draft application; the organisation's users get their rights on it."""
    if by.organisation_id != organisation.pk:
        raise PermissionDenied(_("只能为本单位创建申报。"))
    if not cycle.accepts_applications():
        raise ValidationError(_("本届市长质量奖当前不在申报受理期内。"))
    try:
        with transaction.atomic():
            case = Case.objects.create(cycle=cycle, organisation=organisation)
    except IntegrityError as exc:
        raise ValidationError(_("本单位在本届已有一份申报，不能重复申报。")) from exc
    for perm in ORGANISATION_CASE_PERMS:
        assign_perm(f"applications.{perm}", organisation.group, case)
    audit_log_write("case.create", actor=by, obj=case)
    return case


@transaction.atomic
def case_submit(
    case_id: int, *, by: User, note: str = "", expected_state: str | None = None
) -> Case:
    """Submit (or resubmit) to the county: the file of this round is frozen in a
    snapshot, and its printable form is rendered by a worker after commit."""
    from .application import application_snapshot_take

    case = fire(case_id, "submit", by=by, note=note, expected_state=expected_state)
    application_snapshot_take(case)
    outbox_enqueue(
        "pdf.render_case_document",
        dedupe_key=f"document:{case.pk}:{CaseDocument.Kind.APPLICATION_SUMMARY}:{case.submission_round}",
        case_id=case.pk,
        kind=CaseDocument.Kind.APPLICATION_SUMMARY,
    )
    return case


# kind -> dotted path of `render(case) -> bytes`; stage apps' documents live in
# their own pdf.py (applications never imports them at module level).
DOCUMENT_RENDERERS = {
    CaseDocument.Kind.APPLICATION_SUMMARY: "applications.pdf.render_application_summary",
    CaseDocument.Kind.FEEDBACK_REPORT: "review.pdf.render_feedback_report",
    CaseDocument.Kind.ONSITE_REPORT: "review.pdf.render_onsite_report",
}


def case_document_render(case_id: int, *, kind: str) -> CaseDocument:
    """Render and store the case's document of this kind for its current
    submission round, unless it exists. Rendering happens outside any transaction;
    a failure leaves the case and its documents as they were."""
    case = Case.objects.select_related("cycle", "organisation__county").get(pk=case_id)
    existing = CaseDocument.objects.filter(
        case=case, kind=kind, round=case.submission_round
    ).first()
    if existing:
        return existing
    content = import_string(DOCUMENT_RENDERERS[kind])(case)
    with transaction.atomic():
        Case.objects.select_for_update().get(pk=case_id)
        existing = CaseDocument.objects.filter(
            case=case, kind=kind, round=case.submission_round
        ).first()
        if existing:
            return existing
        name = default_storage.save(f"cases/{case.pk}/{uuid.uuid4().hex}.pdf", ContentFile(content))
        return CaseDocument.objects.create(
            case=case,
            kind=kind,
            round=case.submission_round,
            file=name,
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
        )


@transaction.atomic
def county_recommend(
    case_id: int,
    *,
    by: User,
    opinion: str,
    scan: BinaryIO | None,
    scan_name: str = "",
    expected_state: str | None = None,
) -> Case:
    """The county signs its recommendation opinion: the text and the stamped scan
    are both required; then the case goes to the review office."""
    from .application import attachment_store

    if not opinion.strip():
        raise ValidationError({"opinion": _("请填写推荐意见。")})
    if scan is None:
        raise ValidationError({"scan": _("请上传盖章的推荐意见扫描件。")})
    case = Case.objects.select_for_update().select_related("cycle").get(pk=case_id)
    if expected_state is not None and case.state != expected_state:
        raise AlreadyHandled(case, "recommend", workflow.why_blocked(case, "recommend"))
    if case.state == CaseState.SUBMITTED:
        if not by.has_perm("applications.recommend_case", case):
            raise PermissionDenied(_("您没有执行此操作的权限。"))
        stored = attachment_store(
            case, by=by, kind=Attachment.Kind.RECOMMENDATION_SCAN, upload=scan, name=scan_name
        )
        Recommendation.objects.update_or_create(
            case=case,
            round=case.submission_round,
            defaults={"opinion": opinion.strip(), "signed_by": by, "scan": stored},
        )
    return fire(case_id, "recommend", by=by, note=opinion, expected_state=expected_state)


@transaction.atomic
def case_publish(
    case_id: int,
    *,
    by: User,
    note: str = "",
    expected_state: str | None = None,
    published_on: datetime.date | None = None,
) -> Case:
    """Start the publicity period: N working days (the cycle's parameter) from the
    first working day after the publication day (today unless given). The period
    is written into the event's note, before the officer's own note."""
    from hengyang_award.workcalendar.days import period_after

    case = Case.objects.select_related("cycle").get(pk=case_id)
    period = period_after(published_on or timezone.localdate(), n=case.cycle.publicity_working_days)
    dates = (
        _("公示期：%(start)s 至 %(end)s（该年度节假日安排未发布，日期为暂定）")
        if period.provisional
        else _("公示期：%(start)s 至 %(end)s")
    ) % {"start": period.start.isoformat(), "end": period.end.isoformat()}
    return fire(
        case_id,
        "publish",
        by=by,
        expected_state=expected_state,
        starts_on=period.start,
        ends_on=period.end,
        note="\n".join(part for part in (dates, note.strip()) if part),
    )


def case_transition(
    case_id: int, name: str, *, by: User, note: str = "", expected_state: str | None = None
) -> Case:
    """Fire a transition from the case page's action form (a note, nothing more);
    transitions that write more than the state go through their stage service."""
    if name == "submit":
        return case_submit(case_id, by=by, note=note, expected_state=expected_state)
    if name == "recommend":
        raise PermissionDenied(_("推荐需要同时提交推荐意见和盖章扫描件，请使用推荐表单。"))
    if name == "publish":
        return case_publish(case_id, by=by, note=note, expected_state=expected_state)
    return fire(case_id, name, by=by, note=note, expected_state=expected_state)


@dataclass(frozen=True)
class ScanReport:
    fired: list[tuple[int, str]]
    reminders: int


def deadlines_process(*, today: datetime.date | None = None) -> ScanReport:
    """The periodic deadline job: fire the time-driven transitions that are due
    (as the system actor) and send each stage reminder once. Safe to run twice."""
    today = today or timezone.localdate()
    system = system_user()
    fired = []
    due_now = [
        *Case.objects.filter(state=CaseState.IN_PUBLICITY, publicity_ends_on__lt=today).values_list(
            "pk", flat=True
        ),
        *Case.objects.filter(state=CaseState.AWARDED, award_valid_until__lt=today).values_list(
            "pk", flat=True
        ),
    ]
    for case_id in due_now:
        case = Case.objects.get(pk=case_id)
        name = "close_publicity" if case.state == CaseState.IN_PUBLICITY else "expire"
        try:
            fire(case_id, name, by=system, expected_state=case.state)
        except TransitionBlocked:
            continue
        fired.append((case_id, name))

    cases = deadlines.with_entered_at(
        Case.objects.filter(state__in=deadlines.RULE_BY_STATE).select_related(
            "cycle", "organisation"
        )
    )
    found = deadlines.deadlines_for(cases, today=today)
    sent = 0
    for case in cases:
        deadline = found.get(case.pk)
        if deadline is None:
            continue
        sent += _remind(case, deadline)
    return ScanReport(fired=fired, reminders=sent)


def _remind(case: Case, deadline: deadlines.Deadline) -> int:
    if deadline.overdue:
        lead = CaseReminder.OVERDUE
    else:
        applicable = [n for n in case.cycle.reminder_leads if n >= deadline.days_left]
        if not applicable:
            return 0
        lead = min(applicable)
    with transaction.atomic():
        reminder, created = CaseReminder.objects.get_or_create(
            case=case, kind=deadline.kind, due_on=deadline.due_on, lead=lead
        )
        if not created:
            return 0
        params = {
            "org": case.organisation.name,
            "stage": deadline.label,  # lazy: rendered in the recipient's language
            "due": deadline.due_on.isoformat(),
            "n": max(deadline.days_left, 0),
        }
        if lead == CaseReminder.OVERDUE:
            subject, body = REMINDER_OVERDUE
        else:
            subject, body = REMINDER_DUE
        notify(
            audience_users(case, deadline.audience),
            kind=f"reminder.{deadline.kind}",
            subject=subject,
            body=body,
            params=params,
            link=reverse("applications:case_detail", args=[case.pk]),
            dedupe_key=f"reminder:{reminder.pk}",
        )
    return 1


REMINDER_DUE = (
    gettext_lazy("办理提醒：%(org)s的%(stage)s将于%(due)s截止"),
    gettext_lazy("%(org)s的%(stage)s将于%(due)s截止，还剩%(n)s个工作日，请及时办理。"),
)
REMINDER_OVERDUE = (
    gettext_lazy("已逾期：%(org)s的%(stage)s"),
    gettext_lazy("%(org)s的%(stage)s已于%(due)s截止，目前仍未办理，请尽快处理。"),
)
