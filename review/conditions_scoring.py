"""Conditions this review area adds to the case workflow's edges."""


def register() -> None:
    """Called from ReviewConfig.ready(): workflow.register_stage_condition(...)."""
