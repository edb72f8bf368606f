"""`manage.py simulate_cycle --applicants N [--seed S]`: a complete award cycle
through the real services on a moving clock, a summary of what happened, and a
PASS/FAIL check of every rule of the Measures on the outcome (exit non-zero when
one fails). The logic is in `hengyang_award.core.simulation`."""

import time

from django.core.management.base import BaseCommand, CommandError

from applications.models import Case
from hengyang_award.core.simulation import Simulation, onsite_rows, rules_check, state_counts

MIN_APPLICANTS = 6


class Command(BaseCommand):
    help = "Simulate a whole award cycle through the services and check the Measures' rules."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--applicants", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--force",
            action="store_true",
            help="run on a database that already holds cases (the deadline scan and the "
            "moving clock act on them too)",
        )

    def handle(self, *args, applicants: int, seed: int, force: bool = False, **options) -> None:
        if applicants < MIN_APPLICANTS:
            raise CommandError(f"--applicants must be at least {MIN_APPLICANTS}")
        if Case.objects.exists() and not force:
            raise CommandError(
                "The database already holds cases: the simulation moves the clock years ahead "
                "and runs the deadline scan, which would act on them. Use a throw-away "
                "database, or --force."
            )
        started = time.perf_counter()
        simulation = Simulation(applicants=applicants, seed=seed, say=self.stdout.write)
        outcome = simulation.run()
        elapsed = time.perf_counter() - started
        cycle = simulation.cycle
        log = simulation.log
        out = self.stdout.write

        out("")
        out(f"== {cycle.title}: {applicants} applicants, seed {seed}")
        out("stages:")
        for stage, day in log.stage_days:
            out(f"  {day.isoformat()}  {stage}")
        out(
            f"county declined {log.declined}, screening rejected {log.rejected}, "
            f"reviewer conflicts detected and recused {log.conflicts}"
        )
        for line in log.committee:
            out(f"committee: {line}")
        for line in log.objections:
            out(f"objection: {line}")
        for line in log.notes:
            out(f"note: {line}")

        out("states (passed through / ended in):")
        for state, label, through, ended in state_counts(cycle):
            out(f"  {state:<16} {label:<12} {through:>5} {ended:>5}")

        out(f"on-site totals (pass score {cycle.pass_score}):")
        for case_id, name, total, state in onsite_rows(cycle):
            mark = "≥" if total is not None and total >= cycle.pass_score else "<"
            out(f"  case {case_id} {name}: {total} ({mark} pass score), now {state}")

        out(f"winners ({len(outcome.winners)}):")
        for w in outcome.winners:
            out(
                f"  case {w.case_id} {w.organisation}: on-site total {w.onsite_total}, "
                f"announcement {w.announcement or '-'}, certificate {w.certificate or '-'}, "
                f"valid until {w.valid_until}, now {w.final_state}"
                + (f" (expired {w.expired_on})" if w.expired_on else "")
            )
        for r in outcome.revocations:
            ban = f", ban {r.ban_starts_on} – {r.ban_ends_on}" if r.ban_starts_on else ""
            out(f"revoked: case {r.case_id} on {r.revoked_on}{' (fraud)' if r.fraud else ''}{ban}")
        if outcome.notice is not None:
            out(
                f"publicity: {outcome.notice.starts_on} – {outcome.notice.ends_on} "
                f"({outcome.notice.working_days} working days)"
            )

        out("rules:")
        results = rules_check(outcome)
        for result in results:
            out(f"  {'PASS' if result.passed else 'FAIL'}  {result.rule}: {result.detail}")
        out(f"elapsed: {elapsed:.1f} s")
        failed = [r.rule for r in results if not r.passed]
        if failed:
            raise CommandError(f"{len(failed)} rule(s) failed: {'; '.join(failed)}")
