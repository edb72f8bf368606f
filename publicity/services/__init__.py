"""Every write of the publicity app: notices (any kind), the publicity notice and
its publication, objections."""

from .notices import (
    notice_body_clean,
    notice_draft,
    notice_make_public,
    notice_render,
    notice_update,
)
from .objections import (
    objection_close,
    objection_committee_decide,
    objection_investigation_start,
    objection_lookup,
    objection_outcome_mail,
    objection_refusals,
    objection_submit,
)
from .publicity import (
    ProvisionalPeriod,
    publicity_notice_content,
    publicity_notice_generate,
    publicity_notice_publish,
    publicity_period,
)
from .sharing import (
    sharing_entry_create,
    sharing_entry_hide,
    sharing_entry_publish,
    sharing_entry_update,
    visit_register,
    visit_registration_withdraw,
    visit_session_cancel,
    visit_session_close,
    visit_session_create,
    visit_session_refusals,
)

__all__ = [
    "ProvisionalPeriod",
    "notice_body_clean",
    "notice_draft",
    "notice_make_public",
    "notice_render",
    "notice_update",
    "objection_close",
    "objection_committee_decide",
    "objection_investigation_start",
    "objection_lookup",
    "objection_outcome_mail",
    "objection_refusals",
    "objection_submit",
    "publicity_notice_content",
    "publicity_notice_generate",
    "publicity_notice_publish",
    "publicity_period",
    "sharing_entry_create",
    "sharing_entry_hide",
    "sharing_entry_publish",
    "sharing_entry_update",
    "visit_register",
    "visit_registration_withdraw",
    "visit_session_cancel",
    "visit_session_close",
    "visit_session_create",
    "visit_session_refusals",
]
