"""Reads of the document review: a reviewer's scorebook beside the applicant's
self-assessment, the group's submitted scorebooks side by side for the consensus,
the office's ranking, and the content of the feedback report. Who may see the
others' scores is decided here, once."""

from .board import Board, BoardCategory, BoardRow, consensus_board
from .common import (
    OFFICE_PERMISSION,
    BandGuide,
    Standing,
    band_guides,
    scorebooks_visible_to,
    scoring_items,
    standing_of,
)
from .feedback import Feedback, FeedbackCategory, feedback_of
from .ranking import RankingRow, ranking
from .scorebook import (
    Sheet,
    SheetCategory,
    SheetRow,
    application_of,
    assignment_for_scoring,
    scorebook_sheet,
)

__all__ = [
    "OFFICE_PERMISSION",
    "BandGuide",
    "Board",
    "BoardCategory",
    "BoardRow",
    "Feedback",
    "FeedbackCategory",
    "RankingRow",
    "Sheet",
    "SheetCategory",
    "SheetRow",
    "Standing",
    "application_of",
    "assignment_for_scoring",
    "band_guides",
    "consensus_board",
    "feedback_of",
    "ranking",
    "scorebook_sheet",
    "scorebooks_visible_to",
    "scoring_items",
    "standing_of",
]
