"""Roles are Django groups. The names are stable identifiers; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "applicant", _("申报组织")
    COUNTY_OFFICIAL = "county_official", _("县市区推荐单位")
    OFFICE_STAFF = "office_staff", _("评审办")
    REVIEWER = "reviewer", _("评审专家")
    COMMITTEE_MEMBER = "committee_member", _("评委会委员")
    COMMITTEE_DIRECTOR = "committee_director", _("评委会主任")
    MAYOR = "mayor", _("市长")
    SYSADMIN = "sysadmin", _("系统管理员")
    SYSTEM = "system", _("系统（定时任务）")


# Model-level permissions each role holds on every object of the model. Rights on a
# single case (the applicant's, the county's, a reviewer's) are object permissions
# granted at a named point of the workflow, never listed here.
ROLE_MODEL_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.APPLICANT: (),
    Role.COUNTY_OFFICIAL: (),
    Role.OFFICE_STAFF: (
        "applications.screen_case",
        "applications.manage_review_case",
        "applications.evaluate_case",
        "applications.publish_case",
        "applications.handle_objection_case",
        "applications.revoke_case",
        "core.view_organisation",
        "core.change_organisation",
        "core.override_credit_code_organisation",
        "core.add_county",
        "core.change_county",
        "core.view_awardcycle",
        "core.add_awardcycle",
        "core.change_awardcycle",
        "review.view_reviewer",
        "review.add_reviewer",
        "review.change_reviewer",
        "review.view_assignment",
        "review.add_assignment",
        "review.change_assignment",
        "review.view_conflictflag",
        "review.change_conflictflag",
        "review.view_consensus",
        "review.view_reviewerevaluation",
        "review.view_complaint",
        "review.change_complaint",
        "workcalendar.view_calendarexception",
        "workcalendar.add_calendarexception",
        "workcalendar.change_calendarexception",
        "workcalendar.delete_calendarexception",
        "workcalendar.view_calendaryear",
        "workcalendar.change_calendaryear",
        "supervision.add_ban",
        "supervision.change_ban",
        "supervision.view_ban",
        "supervision.view_announcement",
        "supervision.issue_announcement",
        "supervision.view_award",
        "supervision.view_certificate",
        "supervision.view_plaque",
        "supervision.add_plaque",
        "supervision.change_plaque",
        "supervision.view_prizepayment",
        "supervision.add_prizepayment",
        "supervision.view_fundreport",
        "supervision.review_fundreport",
        "supervision.view_inspection",
        "supervision.add_inspection",
        "supervision.change_inspection",
        "supervision.view_misusereport",
        "supervision.add_misusereport",
        "supervision.view_revocation",
        "supervision.add_revocation",
        "supervision.change_revocation",
    ),
    Role.REVIEWER: (),
    Role.COMMITTEE_MEMBER: (),
    Role.COMMITTEE_DIRECTOR: (
        "applications.decide_case",
        "applications.director_approve_case",
    ),
    Role.MAYOR: ("applications.mayor_approve_case",),
    Role.SYSADMIN: (
        "core.view_user",
        "core.add_user",
        "core.change_user",
        "core.view_county",
        "core.view_awardcycle",
    ),
    Role.SYSTEM: ("applications.close_publicity_case", "applications.expire_case"),
}

STAFF_ROLES = frozenset(
    {
        Role.OFFICE_STAFF,
        Role.REVIEWER,
        Role.COMMITTEE_MEMBER,
        Role.COMMITTEE_DIRECTOR,
        Role.MAYOR,
        Role.SYSADMIN,
    }
)
