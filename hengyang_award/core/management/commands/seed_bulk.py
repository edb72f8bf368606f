"""`manage.py seed_bulk --cases N`: volume for the performance benchmarks (PF-1…PF-6).

Unlike `seed_demo`, this does not move cases through the workflow one transition at
a time (10,000 cases would take hours): it writes, in batches, the rows the services
would have written — organisations with their groups, cases spread over the states,
each with its hash-chained events along the usual path, attachment rows (sharing
one stored file), the object grants of organisation, county and office, and for
cases past document review a submitted scorebook of a bench reviewer with every
item scored. It is a fixture for measurements, never run on real data
(docs/decisions/0007-bulk-seed-for-benchmarks.md)."""

import hashlib
import time

from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from applications.models import Attachment, Case, CaseEvent
from applications.models.case import CaseGroupObjectPermission, CaseUserObjectPermission
from applications.workflow import CaseState as S
from hengyang_award.core import credit_code
from hengyang_award.core.models import AwardCycle, County, Organisation, ScoringItem, User
from hengyang_award.core.roles import Role
from hengyang_award.core.services import cycle_create, cycle_open, system_user, user_create

# The usual path of transitions, in order; a case in a state has the events up to it.
USUAL_PATH = [
    ("submit", S.DRAFT, S.SUBMITTED),
    ("recommend", S.SUBMITTED, S.RECOMMENDED),
    ("accept", S.RECOMMENDED, S.ACCEPTED),
    ("start_document_review", S.ACCEPTED, S.DOCUMENT_REVIEW),
    ("shortlist", S.DOCUMENT_REVIEW, S.ONSITE_REVIEW),
    ("finish_onsite", S.ONSITE_REVIEW, S.EVALUATION),
]
# How the cases spread over the states (a cycle in full swing).
STATE_MIX = [
    S.DRAFT,
    S.SUBMITTED,
    S.RECOMMENDED,
    S.RECOMMENDED,
    S.ACCEPTED,
    S.DOCUMENT_REVIEW,
    S.DOCUMENT_REVIEW,
    S.DOCUMENT_REVIEW,
    S.ONSITE_REVIEW,
    S.EVALUATION,
]
PATH_INDEX = {target: i for i, (_name, _source, target) in enumerate(USUAL_PATH)}
ORGANISATION_PERMS = ("view_case", "change_case", "submit_case", "withdraw_case")
COUNTY_PERMS = ("view_case", "recommend_case")
REVIEWER_PERMS = ("view_case", "review_case")
# Reviewers sharing the bench cases (about 30 each at 10,000 cases).
POOL_SIZE = 200
BENCH_PASSWORD = "bench-password-2026"  # noqa: S105 — documented bench fixture


class Command(BaseCommand):
    help = "Seed N cases with organisations, events, attachments, grants and scorebooks."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--cases", type=int, default=10000)
        parser.add_argument("--batch", type=int, default=1000)

    def handle(self, *args, cases: int, batch: int, **options) -> None:
        started = time.perf_counter()
        setup = self._setup()
        made = 0
        while made < cases:
            size = min(batch, cases - made)
            with transaction.atomic():
                self._batch(setup, start=setup["offset"] + made, size=size)
            made += size
        self._analyze()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"seed_bulk: {cases} cases in {elapsed:.1f} s "
            f"(cycle {setup['cycle'].number}; office user bench-office, reviewer bench-reviewer)"
        )

    def _analyze(self) -> None:
        """Refresh the planner's statistics, as autovacuum would shortly after a
        bulk load: with the counts of an empty database the planner hashes every
        grant row instead of walking a page of cases (a benchmark right after the
        load would measure that, not the application)."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    def _setup(self) -> dict:
        office = User.objects.filter(username="bench-office").first() or user_create(
            username="bench-office",
            password=BENCH_PASSWORD,
            roles=[Role.OFFICE_STAFF],
            full_name="基准测试评审办",
        )
        reviewer_user = User.objects.filter(username="bench-reviewer").first() or user_create(
            username="bench-reviewer",
            password=BENCH_PASSWORD,
            roles=[Role.REVIEWER],
            full_name="基准测试评审员",
        )
        from review.models import Reviewer

        reviewer, _created = Reviewer.objects.get_or_create(
            user=reviewer_user, defaults={"name": "基准测试评审员", "employer": "基准测试单位"}
        )
        reviewers = [reviewer, *self._pool(reviewer_user)]
        cycle = AwardCycle.objects.filter(opened_at__isnull=False).order_by("-number").first()
        if cycle is None:
            today = timezone.localdate()
            cycle = cycle_create(
                by=office,
                number=(AwardCycle.objects.aggregate(n=Max("number"))["n"] or 0) + 1,
                year=today.year,
                application_opens=today.replace(month=1, day=1),
                application_closes=today.replace(month=12, day=31),
                reference_date=today.replace(month=12, day=31),
            )
            cycle = cycle_open(cycle.pk, by=office)
        items = list(ScoringItem.objects.order_by("code").values_list("code", flat=True))
        if not items:
            raise CommandError("no scoring items: run migrate first")
        sample = b"%PDF-1.4\n% bench sample\n%%EOF\n"
        stored = "bench/sample.pdf"
        if not default_storage.exists(stored):
            stored = default_storage.save(stored, ContentFile(sample))
        perms = {
            p.codename: p for p in Permission.objects.filter(content_type__app_label="applications")
        }
        return {
            "office": office,
            "office_group": Group.objects.get(name=Role.OFFICE_STAFF),
            "reviewers": reviewers,
            "reviewer_user": reviewer_user,
            "system": system_user(),
            "cycle": cycle,
            "counties": list(County.objects.filter(active=True).select_related("group")),
            "items": items,
            "stored": stored,
            "sample_sha256": hashlib.sha256(sample).hexdigest(),
            "sample_size": len(sample),
            "perms": perms,
            "offset": Organisation.objects.filter(name__startswith="基准测试组织").count(),
        }

    def _pool(self, template: User) -> list:
        """The rest of the bench reviewer pool (same password hash, one insert)."""
        from review.models import Reviewer

        existing = list(
            Reviewer.objects.filter(user__username__startswith="bench-reviewer-").select_related(
                "user"
            )
        )
        if existing:
            return existing
        users = User.objects.bulk_create(
            [
                User(
                    username=f"bench-reviewer-{i:03d}",
                    password=template.password,
                    full_name=f"基准测试评审员{i:03d}",
                )
                for i in range(2, POOL_SIZE + 1)
            ]
        )
        group = Group.objects.get(name=Role.REVIEWER)
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=group.pk) for u in users]
        )
        return Reviewer.objects.bulk_create(
            [Reviewer(user=u, name=u.full_name, employer="基准测试单位") for u in users]
        )

    def _batch(self, setup: dict, *, start: int, size: int) -> None:
        from review.models import Assignment, Scorebook, ScoreEntry

        now = timezone.now()
        counties = setup["counties"]
        numbers = range(start, start + size)
        groups = Group.objects.bulk_create([Group(name=f"organisation-bench-{n}") for n in numbers])
        organisations = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"基准测试组织{n:05d}有限公司",
                    credit_code=_credit_code(counties[n % len(counties)].code, n),
                    registration_date=now.date().replace(year=now.year - 10),
                    legal_representative="基准",
                    address="衡阳市基准路1号",
                    county=counties[n % len(counties)],
                    industry="装备制造",
                    size=Organisation.Size.MEDIUM,
                    contact_name="基准联系人",
                    contact_phone="0734-8000000",
                    contact_email=f"bench{n}@example.invalid",
                    group=group,
                )
                for n, group in zip(numbers, groups, strict=True)
            ]
        )
        cases = Case.objects.bulk_create(
            [
                Case(
                    cycle=setup["cycle"],
                    organisation=org,
                    state=STATE_MIX[n % len(STATE_MIX)],
                    submission_round=0 if STATE_MIX[n % len(STATE_MIX)] == S.DRAFT else 1,
                    submitted_at=None if STATE_MIX[n % len(STATE_MIX)] == S.DRAFT else now,
                )
                for n, org in zip(numbers, organisations, strict=True)
            ]
        )
        events, attachments, grants, user_grants, assignments = [], [], [], [], []
        perms = setup["perms"]
        for n, case, org in zip(numbers, cases, organisations, strict=True):
            steps = USUAL_PATH[: PATH_INDEX[case.state] + 1] if case.state != S.DRAFT else []
            previous = ""
            for i, (name, source, target) in enumerate(steps):
                event = CaseEvent(
                    case=case,
                    at=now.replace(microsecond=i),
                    actor=setup["system"],
                    name=name,
                    source=source,
                    target=target,
                    note="",
                    prev_hash=previous,
                )
                event.hash = event.compute_hash()
                previous = event.hash
                events.append(event)
            for kind in (Attachment.Kind.BUSINESS_LICENCE, Attachment.Kind.INTEGRITY_PLEDGE):
                attachments.append(
                    Attachment(
                        case=case,
                        kind=kind,
                        file=setup["stored"],
                        original_name="sample.pdf",
                        mime="application/pdf",
                        size=setup["sample_size"],
                        sha256=setup["sample_sha256"],
                        uploaded_by=setup["office"],
                    )
                )
            for codename in ORGANISATION_PERMS:
                grants.append((org.group, perms[codename], case))
            if steps:
                for codename in COUNTY_PERMS:
                    grants.append((org.county.group, perms[codename], case))
            if len(steps) >= 2:
                grants.append((setup["office_group"], perms["view_case"], case))
            if len(steps) >= 4:
                # A realistic load: each reviewer of the pool holds a few dozen cases.
                reviewer = setup["reviewers"][n % len(setup["reviewers"])]
                assignments.append(
                    Assignment(
                        case=case,
                        reviewer=reviewer,
                        stage=Assignment.Stage.DOCUMENT,
                        assigned_by=setup["office"],
                        declared_at=now,
                    )
                )
                for codename in REVIEWER_PERMS:
                    user_grants.append((reviewer.user, perms[codename], case))
        CaseEvent.objects.bulk_create(events)
        Attachment.objects.bulk_create(attachments)
        CaseGroupObjectPermission.objects.bulk_create(
            [
                CaseGroupObjectPermission(group=g, permission=p, content_object=c)
                for g, p, c in grants
            ]
        )
        CaseUserObjectPermission.objects.bulk_create(
            [
                CaseUserObjectPermission(user=u, permission=p, content_object=c)
                for u, p, c in user_grants
            ]
        )
        assignments = Assignment.objects.bulk_create(assignments)
        scorebooks = Scorebook.objects.bulk_create(
            [
                Scorebook(assignment=a, status=Scorebook.Status.SUBMITTED, submitted_at=now)
                for a in assignments
            ]
        )
        ScoreEntry.objects.bulk_create(
            [
                ScoreEntry(scorebook=book, item_code=code, percent=5 * ((i * 7 + book.pk) % 21))
                for book in scorebooks
                for i, code in enumerate(setup["items"])
            ],
            batch_size=5000,
        )


def _credit_code(county_code: str, n: int) -> str:
    body = f"91{county_code[:6]}BK{n:07d}"[:17]
    return body + credit_code.check_character(body)
