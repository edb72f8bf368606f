"""Document review (Art. 10(3)): each reviewer's scorebook, the group leader's
consensus, and the office's on-site list, which also queues the feedback report
of every case that does not advance."""

from .consensus import consensus_save, consensus_submit, submitted_percents
from .scorebook import LEADER_NOTICE, scorebook_save, scorebook_submit
from .shortlist import ShortlistResult, document_totals, feedback_report_enqueue, shortlist_apply

__all__ = [
    "LEADER_NOTICE",
    "ShortlistResult",
    "consensus_save",
    "consensus_submit",
    "document_totals",
    "feedback_report_enqueue",
    "scorebook_save",
    "scorebook_submit",
    "shortlist_apply",
    "submitted_percents",
]
