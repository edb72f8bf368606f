"""Every write of the supervision app, one function per use case."""

from .awards import (
    AnnouncementReadiness,
    announcement_issue,
    announcement_readiness,
    award_prize_for,
    plaque_record,
    title_last_day,
)
from .bans import ban_last_day, ban_lift, ban_record
from .certificates import certificate_number_new, certificate_number_normalise, certificate_render

__all__ = [
    "AnnouncementReadiness",
    "announcement_issue",
    "announcement_readiness",
    "award_prize_for",
    "ban_last_day",
    "ban_lift",
    "ban_record",
    "certificate_number_new",
    "certificate_number_normalise",
    "certificate_render",
    "plaque_record",
    "title_last_day",
]
