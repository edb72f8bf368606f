"""Verification of hash chains (DA-2): walk the records in chain order, recompute
each hash and check each link; report the first broken record."""

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ChainBreak:
    record: object
    reason: str


def chain_first_break(
    records: Iterable, *, allow_unchained_prefix: bool = False
) -> ChainBreak | None:
    """`records` in chain order. Records written before the chain existed (empty
    hash) may lead the chain when `allow_unchained_prefix`; none may follow it."""
    previous_hash = ""
    chained = False
    for record in records:
        if not record.hash and allow_unchained_prefix and not chained:
            continue
        if record.prev_hash != previous_hash:
            return ChainBreak(record, "link")
        if record.compute_hash() != record.hash:
            return ChainBreak(record, "content")
        previous_hash = record.hash
        chained = True
    return None
