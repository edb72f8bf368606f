"""A complete example application file, filled through the real services: used by
`seed_demo` and by the tests' factories."""

import datetime
import io
from collections.abc import Callable

from hengyang_award.core.models import ScoringItem, User

from .completeness import REQUIRED_ATTACHMENTS
from .models import Attachment, Case
from .services import application as app_services

# Stage apps register, from their AppConfig.ready, the functions that bring a case
# to where their conditions on a transition hold (transition name -> list of
# callables(case, *, office)). `seed_demo` and the tests' factories call `prepare`
# before firing; applications never imports a stage app.
PREPARERS: dict[str, list[Callable]] = {}


def register_preparer(transition: str, preparer: Callable) -> None:
    hooks = PREPARERS.setdefault(transition, [])
    if preparer not in hooks:
        hooks.append(preparer)


def prepare(case: Case, transition: str, *, office: User) -> None:
    """Run every stage app's preparer for `transition` (demo data and tests only)."""
    for preparer in PREPARERS.get(transition, ()):
        preparer(case, office=office)


def application_fill_example(case: Case, *, by: User, make_pdf: Callable[[str], bytes]) -> None:
    save = app_services.application_section_save
    save(case.pk, "basic", by=by, data={"employees": 320, "main_products": "工程机械及零部件"})
    save(
        case.pk,
        "figures",
        by=by,
        data={
            "figures": {
                "revenue": [52000, 56800, 61500],
                "profit": [3100, 3600, 4050],
                "tax": [1800, 2050, 2300],
                "rnd": [1600, 1900, 2250],
            },
            "quality_indicators": [
                {"name": "产品一次交验合格率", "unit": "%", "values": [98.6, 99.1, 99.4]},
            ],
        },
    )
    certificate = {
        "number": "00124Q31234R2M",
        "body": "中国质量认证中心",
        "scope": f"{case.organisation.name}产品的设计、生产和服务",
        "issued_on": "2024-06-10",
        "expires_on": "2030-06-09",
    }
    save(
        case.pk,
        "systems",
        by=by,
        data={
            "certificates": {k: dict(certificate) for k in ("iso9001", "iso14001", "iso45001")},
            "cqo_name": "王质量",
            "cqo_post": "副总经理",
            "cqo_appointed_on": datetime.date(2023, 3, 1),
            "excellence_model_usage": "自2018年起全面推行卓越绩效管理模式，每年开展自我评价。",
        },
    )
    save(
        case.pk,
        "declarations",
        by=by,
        data={
            "credit_good": True,
            "credit_note": "",
            "no_major_accident": True,
            "accident_description": "",
            "no_violation": True,
            "violation_description": "",
        },
    )
    save(
        case.pk,
        "assessment",
        by=by,
        data={
            "overview": f"{case.organisation.name}成立以来坚持质量第一，建立了完善的质量管理体系。",
            "self_assessment": {
                item.code: {
                    "text": f"关于“{item.name}”：方法、展开、学习和整合情况说明。",
                    "percent": 60,
                }
                for item in ScoringItem.objects.all()
            },
        },
    )
    for kind in REQUIRED_ATTACHMENTS:
        label = Attachment.Kind(kind).label
        app_services.attachment_upload(
            case.pk,
            by=by,
            kind=kind,
            upload=io.BytesIO(make_pdf(str(label))),
            name=f"{label}.pdf",
        )
    app_services.application_pledge_sign(
        case.pk, by=by, signer=case.organisation.legal_representative
    )


def screening_pass_all(case: Case, *, by: User, note: str = "经核查符合条件。") -> None:
    """Decide every eligibility pre-check as passed (confirming automatic passes,
    judging the rest with a note), through the real service."""
    from .screening import screening_checks
    from .services.screening import screening_decide

    case = Case.objects.get(pk=case.pk)
    for check in screening_checks(case):
        if check.result == "pass":
            screening_decide(case.pk, by=by, code=check.code, decision="confirm")
        else:
            screening_decide(
                case.pk,
                by=by,
                code=check.code,
                decision="override",
                final_result="pass",
                note=note,
            )
