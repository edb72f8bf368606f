"""The on-site review (现场评审, Art. 10(4)) and the applicant's evaluation of the
on-site reviewers (Art. 22).

Who does what: the office forms the team (a leader and members from the pool, the
conflict rules applied by `assignment_create`) and may set the visit's schedule;
the leader (组长负责制) sets the schedule too, keeps the team's scores and writes
the report; members contribute to the fact-finding sections (sites and interviews,
verification of key claims), which the leader edits as well; the applicant
organisation confirms the report or records its disagreement per point; the
leader then submits the report to the office.

Submitting the report does not move the case. It makes the `finish_onsite`
condition hold, and the office fires "现场评审完成" from the case page like every
other office step: the transition's permission is the office's, and the case moves
in one place only."""

from .evaluation import reviewer_evaluation_submit
from .report import (
    onsite_report_confirm,
    onsite_report_save,
    onsite_report_send_for_confirmation,
    onsite_report_submit,
    onsite_scores_save,
)
from .team import onsite_schedule_save, onsite_team_set

__all__ = [
    "onsite_report_confirm",
    "onsite_report_save",
    "onsite_report_send_for_confirmation",
    "onsite_report_submit",
    "onsite_schedule_save",
    "onsite_scores_save",
    "onsite_team_set",
    "reviewer_evaluation_submit",
]
