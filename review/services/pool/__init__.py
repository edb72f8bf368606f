"""Writes on the reviewer pool (评审员专家库, Art. 6): `profiles` (add, edit,
suspend, reinstate, disqualify) and `sheet` (the Excel import)."""

from .profiles import (
    REVIEWER_FIELDS,
    reviewer_create,
    reviewer_status_change,
    reviewer_update,
)
from .sheet import (
    IMPORT_COLUMNS,
    ImportReport,
    ImportRowError,
    reviewers_import,
    reviewers_import_template,
)

__all__ = [
    "IMPORT_COLUMNS",
    "REVIEWER_FIELDS",
    "ImportReport",
    "ImportRowError",
    "reviewer_create",
    "reviewer_status_change",
    "reviewer_update",
    "reviewers_import",
    "reviewers_import_template",
]
