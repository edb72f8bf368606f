"""Test data built through the real services, so every object has what the
application itself would give it (groups, grants, audit rows)."""

import datetime
import io
import itertools

from django.utils import timezone

from applications import services as case_services
from applications.models import Case
from hengyang_award.core import credit_code
from hengyang_award.core.models import AwardCycle, County, Organisation, User
from hengyang_award.core.roles import Role
from hengyang_award.core.services import (
    cycle_create,
    cycle_open,
    organisation_register,
    system_user,
    user_create,
)

_seq = itertools.count(1)


def tiny_pdf(text: str = "sample") -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": text})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def complete_application(case: Case, *, by: User) -> None:
    """Fill every section of the application file through the real services."""
    from applications.demo import application_fill_example

    application_fill_example(case, by=by, make_pdf=tiny_pdf)


PASSWORD = "correct-horse-battery-9"


def valid_credit_code(county_code: str = "430408") -> str:
    body = f"91{county_code}MA{next(_seq):07d}"[:17]
    return body + credit_code.check_character(body)


def make_user(role: str, *, username: str | None = None, **bodies) -> User:
    return user_create(
        username=username or f"{role}-{next(_seq)}", password=PASSWORD, roles=[role], **bodies
    )


def make_organisation(*, county_code: str = "430408", **overrides) -> Organisation:
    county = County.objects.get(code=county_code)
    n = next(_seq)
    values = {
        "name": f"衡阳测试组织{n}有限公司",
        "registration_date": datetime.date(2015, 1, 1),
        "legal_representative": "张三",
        "address": "衡阳市测试路1号",
        "county": county,
        "industry": "装备制造",
        "size": Organisation.Size.MEDIUM,
        "contact_name": "李四",
        "contact_phone": "0734-8000000",
        "contact_email": f"org{n}@example.invalid",
        "credit_code": valid_credit_code(county_code),
        **overrides,
    }
    return organisation_register(by=None, **values)


def make_cycle(*, office: User | None = None, opened: bool = True, **overrides) -> AwardCycle:
    office = office or make_user(Role.OFFICE_STAFF)
    today = timezone.localdate()
    number = overrides.pop("number", None) or (
        (AwardCycle.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    )
    values = {
        "year": today.year + 2 * (number - 1),
        "application_opens": today - datetime.timedelta(days=10),
        "application_closes": today + datetime.timedelta(days=30),
        "reference_date": today + datetime.timedelta(days=30),
        **overrides,
    }
    cycle = cycle_create(by=office, number=number, **values)
    if opened:
        cycle = cycle_open(cycle.pk, by=office)
    return cycle


class World:
    """One of each actor around a single organisation, for workflow tests."""

    def __init__(self, cycle: AwardCycle | None = None) -> None:
        self.office = make_user(Role.OFFICE_STAFF)
        self.cycle = cycle or make_cycle(office=self.office)
        self.org = make_organisation(county_code="430408")
        self.applicant = make_user(Role.APPLICANT, organisation=self.org)
        self.county = make_user(Role.COUNTY_OFFICIAL, county=self.org.county)
        self.other_org = make_organisation(county_code="430421")
        self.other_applicant = make_user(Role.APPLICANT, organisation=self.other_org)
        self.other_county = make_user(
            Role.COUNTY_OFFICIAL, county=County.objects.get(code="430421")
        )
        self.reviewer = make_user(Role.REVIEWER)
        self.member = make_user(Role.COMMITTEE_MEMBER)
        self.director = make_user(Role.COMMITTEE_DIRECTOR)
        self.mayor = make_user(Role.MAYOR)
        self.sysadmin = make_user(Role.SYSADMIN)
        self.system = system_user()

    def actor(self, key: str) -> User:
        return getattr(self, key)

    def new_case(self) -> Case:
        return case_services.case_create(cycle=self.cycle, organisation=self.org, by=self.applicant)

    def drive(self, case: Case, path: list[str]) -> Case:
        """Move a case along a path of transitions, each fired by its usual actor."""
        for name in path:
            actor = self.actor(USUAL_ACTOR[name])
            if name == "submit" and not case.events.exists():
                complete_application(case, by=self.applicant)
            if name == "accept":
                from applications.demo import screening_pass_all

                screening_pass_all(case, by=self.office)
            from applications.demo import prepare

            prepare(case, name, office=self.office)
            if name == "recommend":
                case = case_services.county_recommend(
                    case.pk,
                    by=actor,
                    opinion="同意推荐。",
                    scan=io.BytesIO(tiny_pdf()),
                    scan_name="推荐意见.pdf",
                )
            elif name == "publish_past":
                case = case_services.case_publish(
                    case.pk,
                    by=actor,
                    published_on=timezone.localdate() - datetime.timedelta(days=21),
                )
            else:
                case = case_services.case_transition(case.pk, name, by=actor, note="测试意见")
        return case


USUAL_ACTOR = {
    "submit": "applicant",
    "withdraw": "applicant",
    "recommend": "county",
    "return_to_applicant": "county",
    "decline": "county",
    "accept": "office",
    "reject": "office",
    "screening_return": "office",
    "start_document_review": "office",
    "shortlist": "office",
    "not_shortlist": "office",
    "finish_onsite": "office",
    "nominate": "office",
    "pass_over": "office",
    "propose": "director",
    "committee_reject": "director",
    "disqualify": "director",
    "publish": "office",
    "publish_past": "office",
    "raise_objection": "office",
    "dismiss_objection": "office",
    "clear_objection": "office",
    "close_publicity": "system",
    "director_approve": "director",
    "director_send_back": "director",
    "mayor_approve": "mayor",
    "mayor_send_back": "mayor",
    "revoke": "office",
    "expire": "system",
}

# The shortest usual path from draft to each state.
PATH_TO = {
    "draft": [],
    "submitted": ["submit"],
    "returned": ["submit", "return_to_applicant"],
    "recommended": ["submit", "recommend"],
    "accepted": ["submit", "recommend", "accept"],
    "document_review": ["submit", "recommend", "accept", "start_document_review"],
    "onsite_review": ["submit", "recommend", "accept", "start_document_review", "shortlist"],
    "evaluation": [
        "submit",
        "recommend",
        "accept",
        "start_document_review",
        "shortlist",
        "finish_onsite",
    ],
}
PATH_TO["candidate"] = [*PATH_TO["evaluation"], "nominate"]
PATH_TO["proposed"] = [*PATH_TO["candidate"], "propose"]
PATH_TO["in_publicity"] = [*PATH_TO["proposed"], "publish"]
PATH_TO["in_publicity_ended"] = [*PATH_TO["proposed"], "publish_past"]
PATH_TO["under_objection"] = [*PATH_TO["in_publicity"], "raise_objection"]
PATH_TO["under_objection_ended"] = [*PATH_TO["in_publicity_ended"], "raise_objection"]
PATH_TO["director_review"] = [*PATH_TO["in_publicity_ended"], "close_publicity"]
PATH_TO["mayor_approval"] = [*PATH_TO["director_review"], "director_approve"]
PATH_TO["awarded"] = [*PATH_TO["mayor_approval"], "mayor_approve"]
