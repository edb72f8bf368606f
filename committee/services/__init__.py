"""Every write of the comprehensive evaluation and the committee."""

from .evaluation import evaluation_comparison_save, evaluation_decide, evaluation_dispatch
from .meeting import (
    attendance_record,
    meeting_create,
    round_close,
    round_open,
    runoff_open,
    vote_cast,
)
from .membership import (
    declaration_make,
    grant_committee_at_nominate,
    membership_add,
    membership_remove,
)
from .minutes import minutes_render
from .resolution import resolution_adopt, resolution_compute

__all__ = [
    "attendance_record",
    "declaration_make",
    "evaluation_comparison_save",
    "evaluation_decide",
    "evaluation_dispatch",
    "grant_committee_at_nominate",
    "meeting_create",
    "membership_add",
    "membership_remove",
    "minutes_render",
    "resolution_adopt",
    "resolution_compute",
    "round_close",
    "round_open",
    "runoff_open",
    "vote_cast",
]
