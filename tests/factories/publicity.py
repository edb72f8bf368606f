"""Publicity test data through the real services: a published publicity notice,
objections with sentinel personal data."""

import datetime
import itertools

from django.utils import timezone

from applications.models import Case
from publicity.idnumbers import id_check_character
from publicity.models import Notice, Objection
from publicity.services import (
    objection_submit,
    publicity_notice_generate,
    publicity_notice_publish,
)
from tests.factories import PATH_TO, World

_seq = itertools.count(1)


def valid_id_number(birth: str = "19800101", region: str = "430405") -> str:
    body = f"{region}{birth}{next(_seq) % 1000:03d}"
    return body + id_check_character(body)


def proposed_case(world: World) -> Case:
    return world.drive(world.new_case(), PATH_TO["proposed"])


def publish_notice(world: World, *, confirm_provisional: bool = True) -> Notice:
    """Generate and publish the cycle's publicity notice today (all proposed cases)."""
    draft = publicity_notice_generate(world.cycle.pk, by=world.office)
    return publicity_notice_publish(
        draft.pk, by=world.office, confirm_provisional=confirm_provisional
    )


def objector(**overrides) -> dict:
    n = next(_seq)
    return {
        "objector_name": f"钱异议{n}",
        "objector_id_number": valid_id_number(),
        "objector_organisation": "",
        "phone": f"139{n:08d}",
        "email": f"objector{n}@example.invalid",
        "facts": "该组织申报的产品合格率数据与抽检结果不符，附抽检报告。",
        **overrides,
    }


def in_period(notice: Notice) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(notice.period_starts_on, datetime.time(10))
    )


def lodge(case: Case, notice: Notice, **overrides) -> Objection:
    return objection_submit(case_id=case.pk, at=in_period(notice), **objector(**overrides))
