"""Bring a case to where a transition's review conditions hold (used by seed_demo
and the tests' factories), through the real services."""

from collections.abc import Callable

from . import demo_assignment, demo_onsite, demo_pool, demo_scoring

PREPARERS: dict[str, Callable] = {}
for _module in (demo_pool, demo_assignment, demo_scoring, demo_onsite):
    _module.register(PREPARERS)


def prepare(case, transition: str, *, office) -> None:
    preparer = PREPARERS.get(transition)
    if preparer is not None:
        preparer(case, office=office)
