from .application import ApplicationForm, ApplicationSnapshot, Attachment
from .case import (
    Case,
    CaseDocument,
    CaseEvent,
    CaseGroupObjectPermission,
    CaseReminder,
    CaseUserObjectPermission,
    Recommendation,
)
from .screening import ScreeningDecision

__all__ = [
    "ApplicationForm",
    "ApplicationSnapshot",
    "Attachment",
    "Case",
    "CaseDocument",
    "CaseEvent",
    "CaseGroupObjectPermission",
    "CaseReminder",
    "CaseUserObjectPermission",
    "Recommendation",
    "ScreeningDecision",
]
