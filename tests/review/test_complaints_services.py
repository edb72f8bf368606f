import datetime
import hashlib
import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from applications.services import case_create
from hengyang_award.core.models import AuditLog
from hengyang_award.jobs.models import OutboxMessage
from hengyang_award.notifications.models import Notification
from hengyang_award.workcalendar.days import add_working_days
from publicity import receipts
from review.models import Reviewer
from review.models_complaints import Complaint, ComplaintFile
from review.selectors_complaints import complaint_cases, complaints_for_office
from review.services.complaints import (
    complaint_close,
    complaint_investigation_start,
    complaint_lookup,
    complaint_outcome_mail,
    complaint_reviewer_action,
    complaint_submit,
)
from tests.factories import PATH_TO, tiny_pdf
from tests.factories.complaints import (
    assigned,
    complainant,
    lodge_complaint,
    reviewed_case,
    upheld,
)

pytestmark = pytest.mark.django_db


def _actions(complaint: Complaint) -> list[str]:
    return list(
        AuditLog.objects.filter(object_type="review.Complaint", object_id=str(complaint.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_complaint_submit_complete_accepted_with_receipt_due_date_evidence_and_notice(world):
    pdf = tiny_pdf("照片")

    complaint = complaint_submit(
        cycle_id=world.cycle.pk,
        evidence=[(io.BytesIO(pdf), "宴请照片.pdf")],
        **complainant(),
    )

    assert receipts.receipt_normalise(complaint.receipt) == complaint.receipt
    assert complaint.status == Complaint.Status.RECEIVED
    assert complaint.anonymous is False
    assert (
        complaint.due_on
        == add_working_days(timezone.localdate(), n=world.cycle.objection_working_days).day
    )
    stored = ComplaintFile.objects.get(complaint=complaint)
    assert (stored.sha256, stored.original_name, stored.source) == (
        hashlib.sha256(pdf).hexdigest(),
        "宴请照片.pdf",
        ComplaintFile.Source.COMPLAINANT,
    )
    assert "宴请照片" not in stored.file.name
    assert _actions(complaint) == ["complaint.receive"]
    assert AuditLog.objects.filter(action="complaint.file", object_id=str(stored.pk)).count() == 1
    notice = Notification.objects.get(recipient=world.office, kind="complaint_received")
    assert receipts.receipt_display(complaint.receipt) in notice.subject
    assert complaint.complainant_name not in notice.body


@pytest.mark.parametrize(
    ("overrides", "field", "reason"),
    [
        ({"complainant_name": ""}, "complainant_name", "真实姓名"),
        ({"complainant_name": "匿名"}, "complainant_name", "匿名举报"),
        ({"phone": "123"}, "phone", "电话"),
        ({"facts": "评审不公。"}, "facts", "具体事实"),
        ({"kind": "gossip"}, "kind", "事项"),
    ],
)
def test_complaint_submit_incomplete_refused_with_reason(world, overrides, field, reason):
    with pytest.raises(ValidationError) as refused:
        complaint_submit(cycle_id=world.cycle.pk, **complainant(**overrides))

    assert reason in " ".join(refused.value.message_dict[field])
    assert not Complaint.objects.exists()
    assert not AuditLog.objects.filter(action="complaint.receive").exists()


def test_complaint_submit_anonymous_report_accepted_without_identity(world):
    complaint = complaint_submit(
        cycle_id=world.cycle.pk,
        by=world.applicant,
        **complainant(anonymous=True, complainant_name="", phone="", email=""),
    )

    assert complaint.anonymous is True
    assert (complaint.complainant_name, complaint.phone, complaint.email) == ("", "", "")
    assert complaint.submitted_by is None
    assert AuditLog.objects.get(action="complaint.receive").actor is None


def test_complaint_submit_anonymous_drops_any_contact_typed(world):
    complaint = complaint_submit(
        cycle_id=world.cycle.pk, **complainant(anonymous=True, phone="13700001111")
    )

    assert (complaint.complainant_name, complaint.phone, complaint.email) == ("", "", "")


def test_complaint_submit_logged_in_user_recorded(world):
    complaint = complaint_submit(cycle_id=world.cycle.pk, by=world.applicant, **complainant())

    assert complaint.submitted_by == world.applicant


def test_complaint_submit_html_named_pdf_refused_nothing_stored(world):
    good = (io.BytesIO(tiny_pdf()), "好的.pdf")
    bad = (io.BytesIO(b"<html><script>alert(1)</script></html>"), "证据.pdf")

    with pytest.raises(ValidationError) as refused:
        complaint_submit(cycle_id=world.cycle.pk, evidence=[good, bad], **complainant())

    assert "证据.pdf" in refused.value.message_dict["evidence"][0]
    assert not Complaint.objects.exists()
    assert not ComplaintFile.objects.exists()


def test_complaint_submit_case_must_have_reached_acceptance(world):
    accepted = world.drive(world.new_case(), PATH_TO["accepted"])
    draft = case_create(cycle=world.cycle, organisation=world.other_org, by=world.other_applicant)

    with pytest.raises(ValidationError) as refused:
        complaint_submit(cycle_id=world.cycle.pk, case_id=draft.pk, **complainant())
    complaint = complaint_submit(cycle_id=world.cycle.pk, case_id=accepted.pk, **complainant())

    assert "受理名单" in refused.value.message_dict["case"][0]
    assert complaint.case == accepted
    assert list(complaint_cases([world.cycle.pk])) == [accepted]


def test_complaint_submit_unopened_cycle_refused(world):
    from tests.factories import make_cycle

    draft_cycle = make_cycle(opened=False)

    with pytest.raises(ValidationError) as refused:
        complaint_submit(cycle_id=draft_cycle.pk, **complainant())

    assert "cycle" in refused.value.message_dict


def test_complaint_lookup_right_pair_found_wrong_pair_none(world):
    complaint = lodge_complaint(world.cycle, phone="137 0000 2222")
    display = receipts.receipt_display(complaint.receipt)
    other_receipt = receipts.receipt_new()

    assert complaint_lookup(display.lower(), "13700002222") == complaint
    assert complaint_lookup(complaint.receipt, "13700002223") is None
    assert complaint_lookup(complaint.receipt, "") is None
    assert complaint_lookup(other_receipt, "13700002222") is None
    assert complaint_lookup("not a receipt", "13700002222") is None


def test_complaint_lookup_anonymous_by_receipt_alone(world):
    complaint = lodge_complaint(world.cycle, anonymous=True, complainant_name="", phone="")

    assert complaint_lookup(complaint.receipt, "") == complaint
    assert complaint_lookup(complaint.receipt, "13700002222") is None


def test_complaint_office_flow_dismissed_tells_complainant_once(
    world, django_capture_on_commit_callbacks
):
    complaint = lodge_complaint(world.cycle)
    pdf = tiny_pdf("调查笔录")

    complaint_investigation_start(complaint.pk, by=world.office, note="已约谈相关人员")
    closed = complaint_close(
        complaint.pk,
        by=world.office,
        outcome=Complaint.Status.DISMISSED,
        findings="调取评审记录，未发现违规。",
        outcome_summary="经调查，未发现所反映的问题。",
        evidence=[(io.BytesIO(pdf), "调查笔录.pdf")],
    )

    assert closed.status == Complaint.Status.DISMISSED
    assert closed.closed_by == world.office
    assert _actions(complaint) == [
        "complaint.receive",
        "complaint.investigate",
        "complaint.close",
    ]
    assert closed.files.get().source == ComplaintFile.Source.OFFICE
    assert (
        OutboxMessage.objects.filter(
            task="review.complaint_outcome_mail", kwargs={"complaint_id": complaint.pk}
        ).count()
        == 1
    )
    assert complaint_outcome_mail(complaint.pk) is True
    assert complaint_outcome_mail(complaint.pk) is False
    assert [m.to for m in mail.outbox] == [[complaint.email]]
    assert "经调查，未发现所反映的问题。" in mail.outbox[0].body
    assert "未发现违规" not in mail.outbox[0].body
    assert "complaint.mail" in _actions(complaint)


def test_complaint_close_without_email_queues_nothing(world):
    complaint = lodge_complaint(world.cycle, email="")

    upheld(complaint, by=world.office)

    assert not OutboxMessage.objects.filter(task="review.complaint_outcome_mail").exists()


def test_complaint_close_before_investigation_refused(world):
    complaint = lodge_complaint(world.cycle)

    with pytest.raises(ValidationError):
        complaint_close(
            complaint.pk,
            by=world.office,
            outcome=Complaint.Status.UPHELD,
            findings="x",
            outcome_summary="y",
        )

    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.RECEIVED


def test_complaint_close_missing_summary_refused_with_reason(world):
    complaint = lodge_complaint(world.cycle)
    complaint_investigation_start(complaint.pk, by=world.office)

    with pytest.raises(ValidationError) as refused:
        complaint_close(
            complaint.pk,
            by=world.office,
            outcome=Complaint.Status.UPHELD,
            findings="属实",
            outcome_summary=" ",
        )

    assert "outcome_summary" in refused.value.message_dict


@pytest.mark.parametrize("role", ["reviewer", "county", "applicant", "director", "sysadmin"])
def test_complaint_handling_by_other_roles_forbidden(world, role):
    complaint = lodge_complaint(world.cycle)

    with pytest.raises(PermissionDenied):
        complaint_investigation_start(complaint.pk, by=world.actor(role))


def test_complaint_upheld_against_reviewer_suspends_and_lists_assignments(world):
    case = reviewed_case(world)
    assignment = assigned(case)
    reviewer = assignment.reviewer
    complaint = upheld(lodge_complaint(world.cycle, case_id=case.pk), by=world.office)

    open_assignments = complaint_reviewer_action(
        complaint.pk,
        by=world.office,
        reviewer_id=reviewer.pk,
        status=Reviewer.Status.SUSPENDED,
        reason="投诉属实：接受申报单位宴请。",
    )

    reviewer.refresh_from_db()
    complaint.refresh_from_db()
    assert reviewer.status == Reviewer.Status.SUSPENDED
    assert [a.pk for a in open_assignments] == [
        a.pk for a in reviewer.assignments.filter(status="active").order_by("assigned_at", "pk")
    ]
    assert assignment.pk in [a.pk for a in open_assignments]
    assert (complaint.reviewer, complaint.reviewer_action) == (reviewer, "suspended")
    status_row = AuditLog.objects.get(action="reviewer.status", object_id=str(reviewer.pk))
    assert receipts.receipt_display(complaint.receipt) in status_row.detail["evidence"]
    assert f"/review/complaints/{complaint.pk}/" in status_row.detail["evidence"]
    assert _actions(complaint)[-1] == "complaint.reviewer_action"
    assert list(reviewer.complaints.all()) == [complaint]


def test_complaint_reviewer_action_on_dismissed_or_non_reviewer_complaint_refused(world):
    case = reviewed_case(world)
    reviewer = assigned(case).reviewer
    about_procedure = upheld(lodge_complaint(world.cycle, kind="procedure"), by=world.office)
    dismissed = lodge_complaint(world.cycle)
    complaint_investigation_start(dismissed.pk, by=world.office)
    complaint_close(
        dismissed.pk,
        by=world.office,
        outcome=Complaint.Status.DISMISSED,
        findings="不属实",
        outcome_summary="不属实",
    )

    for complaint in (about_procedure, dismissed):
        with pytest.raises(ValidationError):
            complaint_reviewer_action(
                complaint.pk,
                by=world.office,
                reviewer_id=reviewer.pk,
                status=Reviewer.Status.DISQUALIFIED,
                reason="x",
            )

    reviewer.refresh_from_db()
    assert reviewer.status == Reviewer.Status.ACTIVE


def test_complaint_about_own_reviewer_record_hidden_from_that_office_user(world):
    case = reviewed_case(world)
    reviewer = assigned(case).reviewer
    reviewer.user.groups.add(world.office.groups.get())
    complaint = upheld(lodge_complaint(world.cycle), by=world.office)
    complaint_reviewer_action(
        complaint.pk,
        by=world.office,
        reviewer_id=reviewer.pk,
        status=Reviewer.Status.SUSPENDED,
        reason="属实",
    )
    today = timezone.localdate()

    assert list(complaints_for_office(world.office, today=today)) == [complaint]
    assert list(complaints_for_office(reviewer.user, today=today)) == []


def test_complaints_for_office_overdue_filter(world, time_machine):
    old = lodge_complaint(world.cycle)
    time_machine.move_to(
        timezone.make_aware(datetime.datetime.combine(old.due_on, datetime.time(9)))
        + datetime.timedelta(days=1)
    )
    fresh = lodge_complaint(world.cycle)
    today = timezone.localdate()

    overdue = list(complaints_for_office(world.office, overdue=True, today=today))

    assert overdue == [old]
    assert old.is_overdue(today)
    assert not fresh.is_overdue(today)
