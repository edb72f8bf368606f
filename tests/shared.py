"""Objects built once per test module and shared by its tests (PF-7: a title
driven through the whole workflow costs some two thousand queries; tests that
only start from it need not each pay for it).

The module's objects are created inside a transaction that is rolled back when
the module ends; each test runs in a savepoint inside it (pytest-django's own
per-test transaction), so what a test writes is gone before the next one and
nothing leaks into other modules. Each test gets freshly read copies of the
objects, so changes a test makes to Python instances do not leak either."""

import copy
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import models, transaction

from applications.models import Case
from tests.factories import PATH_TO, World


@contextmanager
def module_transaction(django_db_blocker):
    """Database access for a module-scoped fixture, rolled back at its end."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def reread(obj: models.Model) -> models.Model:
    return type(obj)._default_manager.get(pk=obj.pk)


@dataclass
class Shared:
    world: World
    thing: Any

    def fresh_world(self) -> World:
        world = copy.copy(self.world)
        for name, value in vars(self.world).items():
            if isinstance(value, models.Model):
                setattr(world, name, reread(value))
        return world

    def fresh_thing(self) -> Any:
        """The shared thing read again: a model instance, or a tuple of them."""
        if isinstance(self.thing, tuple):
            return tuple(_fresh(value) for value in self.thing)
        return _fresh(self.thing)


def _fresh(value: Any) -> Any:
    return reread(value) if isinstance(value, models.Model) else value


def world_for(request, shared: Shared, thing: str) -> World:
    """The module's shared world for a test that also takes the shared `thing`
    fixture; a new, empty world for a test that starts without one."""
    if thing in request.fixturenames:
        return shared.fresh_world()
    return World()


def shared_fixtures(build: Callable[[World], Any], thing: str):
    """A module's three fixtures around `build(world)` made once: `shared`, then
    `world` (the shared world for a test that also takes `thing`, else a new one)
    and `thing` (fresh copies per test). Use:
    `shared, world, award = shared_fixtures(winner, "award")`."""

    @pytest.fixture(name="world")
    def world_fixture(request, shared, db) -> World:
        return world_for(request, shared, thing)

    @pytest.fixture(name=thing)
    def thing_fixture(shared, db) -> Any:
        return shared.fresh_thing()

    return shared_world(build), world_fixture, thing_fixture


def shared_world(build: Callable[[World], Any]):
    """A module-scoped fixture: a `World` and `build(world)`, made once."""

    @pytest.fixture(scope="module")
    def fixture(django_db_setup, django_db_blocker) -> Shared:
        with module_transaction(django_db_blocker):
            world = World()
            yield Shared(world, build(world))

    return fixture


def prepared_world(state: str):
    """A module-scoped fixture: a `World` whose organisation already has a case
    driven to `state`, handed to the first helper of each test that asks for a
    case in that state or one further along its path (`take_prepared`)."""

    def build(world: World) -> tuple[str, int]:
        return state, world.drive(world.new_case(), PATH_TO[state]).pk

    return shared_world(build)


def world_with_prepared_case():
    """The module's `world` fixture to pair with `prepared_world`: each test gets
    fresh copies and the prepared case once (`take_prepared`)."""

    @pytest.fixture
    def world(shared, db) -> World:
        fresh = shared.fresh_world()
        fresh.prepared = dict([shared.thing])
        return fresh

    return world


def take_prepared(world: World, state: str) -> Case | None:
    """The world's prepared case brought to `state`, once per test: prepared in
    `state` itself, or in a state on the way there (its path the start of
    `state`'s path) and driven the rest of the way. None when there is none (a
    new world, or the test asks for a second case)."""
    prepared = getattr(world, "prepared", None)
    target = PATH_TO[state]
    for at, pk in list((prepared or {}).items()):
        path = PATH_TO[at]
        if target[: len(path)] == path:
            del prepared[at]
            return world.drive(Case.objects.get(pk=pk), target[len(path) :])
    return None
