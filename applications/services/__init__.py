"""Every write on cases, one function per use case. `cases.fire` is the only
function that moves a case."""

from .cases import (
    DOCUMENT_RENDERERS,
    REMINDER_DUE,
    REMINDER_OVERDUE,
    AlreadyHandled,
    ScanReport,
    TransitionBlocked,
    case_create,
    case_document_render,
    case_publish,
    case_submit,
    case_transition,
    county_recommend,
    deadlines_process,
    fire,
    register_after_transition,
    transition_meta,
    transition_requires_note,
)
from .screening import screening_confirm_passes, screening_decide

__all__ = [
    "DOCUMENT_RENDERERS",
    "REMINDER_DUE",
    "REMINDER_OVERDUE",
    "AlreadyHandled",
    "ScanReport",
    "TransitionBlocked",
    "case_create",
    "case_document_render",
    "case_publish",
    "case_submit",
    "case_transition",
    "county_recommend",
    "deadlines_process",
    "fire",
    "register_after_transition",
    "screening_confirm_passes",
    "screening_decide",
    "transition_meta",
    "transition_requires_note",
]
