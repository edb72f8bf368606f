"""The arithmetic of the committee's ballots: quorum, majority, and the choice of
winners with the cycle's tie-break. Pure functions of their arguments.

Reading of the rules (DOMAIN.md "Committee votes", configurable per cycle):

- Quorum: ceil(members not recused × numerator / denominator), counted among the
  members who are present and not recused from the candidate.
- Majority "half": approvals > half of the present, non-recused members (the
  voters entitled to vote on the candidate); abstentions and ballots not cast
  count as not approving. "two_thirds": approvals ≥ two thirds of the same number.
- A candidate passes with the majority AND an on-site total ≥ the pass score.
  Passing candidates are ranked by approvals, then on-site total. If more pass
  than there are places left (max winners minus cases of the cycle already
  proposed or beyond), the candidates tied at the boundary are separated by the
  on-site total when the cycle says so (tie_break_onsite_first), and otherwise,
  or when still tied, by a run-off ballot among the tied candidates only."""

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal


def quorum_of(eligible: int, *, numerator: int, denominator: int) -> int:
    """Members needed present: ceil(eligible × numerator / denominator)."""
    return math.ceil(eligible * numerator / denominator) if denominator else eligible


def majority_reached(approve: int, present: int, *, rule: str) -> bool:
    """`rule` is the cycle's committee_majority: "half" (more than half of the
    present non-recused members approve) or "two_thirds" (at least two thirds)."""
    if present <= 0:
        return False
    if rule == "two_thirds":
        return 3 * approve >= 2 * present
    return 2 * approve > present


@dataclass(frozen=True)
class Standing:
    case_id: int
    approvals: int
    onsite: Decimal
    majority: bool
    pass_score: int

    @property
    def passes(self) -> bool:
        return self.majority and self.onsite >= self.pass_score


@dataclass(frozen=True)
class Outcome:
    winners: tuple[int, ...]  # in rank order
    others: tuple[int, ...]
    runoff: frozenset[int] | None  # candidates who must go to a run-off first

    @property
    def complete(self) -> bool:
        return self.runoff is None


Key = Callable[[Standing], tuple]


def _choose(
    group: Sequence[Standing],
    slots: int,
    key: Key,
    runoffs: Mapping[frozenset[int], Sequence[Mapping[int, int]]],
    used: dict[frozenset[int], int],
    onsite_first: bool,
) -> tuple[list[Standing], frozenset[int] | None]:
    ranked = sorted(group, key=key, reverse=True)
    if len(ranked) <= slots:
        return ranked, None
    if slots <= 0:
        return [], None
    boundary = key(ranked[slots - 1])
    above = [s for s in ranked if key(s) > boundary]
    tied = [s for s in ranked if key(s) == boundary]
    left = slots - len(above)
    if len(tied) <= left:
        return above + tied, None
    ids = frozenset(s.case_id for s in tied)
    rounds = runoffs.get(ids, ())
    n = used.get(ids, 0)
    if n >= len(rounds):
        return above, ids
    used[ids] = n + 1
    votes = rounds[n]

    def runoff_key(s: Standing) -> tuple:
        return (votes.get(s.case_id, 0), s.onsite) if onsite_first else (votes.get(s.case_id, 0),)

    chosen, pending = _choose(tied, left, runoff_key, runoffs, used, onsite_first)
    return above + chosen, pending


def winners_of(
    standings: Sequence[Standing],
    *,
    places: int,
    onsite_first: bool,
    runoffs: Mapping[frozenset[int], Sequence[Mapping[int, int]]] | None = None,
) -> Outcome:
    """The winners among `standings` for `places` places. `runoffs` maps a set of
    tied candidates to the approvals of each closed run-off among exactly them,
    in order."""

    def key(s: Standing) -> tuple:
        return (s.approvals, s.onsite) if onsite_first else (s.approvals,)

    passing = [s for s in standings if s.passes]
    chosen, pending = _choose(passing, max(places, 0), key, runoffs or {}, {}, onsite_first)
    winners = tuple(s.case_id for s in chosen)
    waiting = pending or frozenset()
    others = tuple(
        s.case_id
        for s in sorted(standings, key=lambda s: (s.approvals, s.onsite), reverse=True)
        if s.case_id not in winners and s.case_id not in waiting
    )
    return Outcome(winners=winners, others=others, runoff=pending)
