from .application import (
    application_section,
    attachment_download,
    attachment_remove,
    attachment_upload,
    case_recommend,
)
from .cases import case_action, case_detail, case_document, case_list, case_start
from .screening import (
    screening_case,
    screening_confirm_passes,
    screening_decision,
    screening_desk,
)

__all__ = [
    "application_section",
    "attachment_download",
    "attachment_remove",
    "attachment_upload",
    "case_action",
    "case_detail",
    "case_document",
    "case_list",
    "case_recommend",
    "case_start",
    "screening_case",
    "screening_confirm_passes",
    "screening_decision",
    "screening_desk",
]
