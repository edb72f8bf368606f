"""Demo/test preparation for the review area `scoring`: functions that bring a case
to the point where a transition's review conditions hold, through the real
services. Registered in review.demo.PREPARERS by `register()`."""


def register(preparers: dict) -> None:
    """Add this area's preparers (transition name -> callable(case, *, office))."""
