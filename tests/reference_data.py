"""Reference data the data migrations seed (counties, scoring items, calendar)."""

from django.apps import apps
from django.db import connection
from django.db.migrations import RunPython
from django.db.migrations.loader import MigrationLoader


def seed_reference_data() -> None:
    """Run the data migrations' seed functions again. They are idempotent (named
    `seed…` by convention); other RunPython steps (triggers) are not re-run. Needed
    by transactional tests: the flush after an earlier one empties those tables."""
    graph = MigrationLoader(connection).graph
    plan: dict[tuple[str, str], None] = {}
    for leaf in graph.leaf_nodes():
        plan.update(dict.fromkeys(graph.forwards_plan(leaf)))
    with connection.schema_editor() as editor:
        for key in plan:
            for operation in graph.nodes[key].operations:
                if isinstance(operation, RunPython) and operation.code.__name__.startswith("seed"):
                    operation.code(apps, editor)
