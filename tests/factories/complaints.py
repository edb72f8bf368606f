"""Complaint test data through the real services: complaints with sentinel
personal data, and a case under document review whose team (drawn by the
review preparers) gives a reviewer with open assignments."""

import itertools

from applications.models import Case
from review.models import Assignment
from review.models_complaints import Complaint
from review.services.complaints import (
    complaint_close,
    complaint_investigation_start,
    complaint_submit,
)
from tests.factories import PATH_TO, World

_seq = itertools.count(1)

# Personal data that must never reach a public page or a reviewer.
SENTINEL_NAME = "哨兵投诉人甲"
SENTINEL_PHONE = "13712345678"
SENTINEL_EMAIL = "sentinel-complainant@example.invalid"
SENTINEL_PERSON = "哨兵评审员乙"
SENTINEL_FACTS = "哨兵事实：该评审员在现场评审期间接受申报单位宴请并暗示可以提高评分。"


def complainant(**overrides) -> dict:
    n = next(_seq)
    return {
        "kind": Complaint.Kind.REVIEWER,
        "complainant_name": f"赵投诉{n}",
        "phone": f"137{n:08d}",
        "email": f"complainant{n}@example.invalid",
        "complainant_organisation": "",
        "person_concerned": "某评审员",
        "facts": "该评审员在现场评审期间接受申报单位宴请，并暗示可以提高评分，有照片为证。",
        **overrides,
    }


def lodge_complaint(cycle, **overrides) -> Complaint:
    return complaint_submit(cycle_id=cycle.pk, **complainant(**overrides))


def sentinel_complaint(cycle, **overrides) -> Complaint:
    return lodge_complaint(
        cycle,
        complainant_name=SENTINEL_NAME,
        phone=SENTINEL_PHONE,
        email=SENTINEL_EMAIL,
        person_concerned=SENTINEL_PERSON,
        facts=SENTINEL_FACTS,
        **overrides,
    )


def reviewed_case(world: World) -> Case:
    """A case in document review with its team drawn and declared."""
    return world.drive(world.new_case(), PATH_TO["document_review"])


def assigned(case: Case) -> Assignment:
    return (
        case.review_assignments.filter(status=Assignment.Status.ACTIVE)
        .select_related("reviewer__user")
        .order_by("pk")
        .first()
    )


def upheld(complaint: Complaint, *, by, summary: str = "经查属实，已依规处理。") -> Complaint:
    complaint_investigation_start(complaint.pk, by=by)
    return complaint_close(
        complaint.pk,
        by=by,
        outcome=Complaint.Status.UPHELD,
        findings="调查核实：属实。",
        outcome_summary=summary,
    )
