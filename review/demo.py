"""Bring a case to where a transition's review conditions hold (used by seed_demo
and the tests' factories), through the real services. Each area registers its
preparers in `applications.demo`'s registry from `ReviewConfig.ready`."""

from applications.demo import prepare, register_preparer

from . import demo_assignment, demo_onsite, demo_pool, demo_scoring

__all__ = ["prepare", "register"]


def register() -> None:
    for module in (demo_pool, demo_assignment, demo_scoring, demo_onsite):
        found: dict = {}
        module.register(found)
        for transition, preparer in found.items():
            register_preparer(transition, preparer)
