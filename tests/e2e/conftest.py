import os
from pathlib import Path

import pytest

from tests.e2e.helpers import new_role_page

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def shoot():
    """Save a full-page screenshot under test-artifacts/ (kept by CI as evidence);
    `full_page=False` keeps to the window (pages of 23 scored items are slow to
    capture whole, and their top carries the state and the totals)."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str, *, full_page: bool = True) -> None:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)

    return take


@pytest.fixture
def role_page(browser):
    """`role_page(**context_options)` opens a page in a browser context of its own
    (one per role: each has its own session); all are closed afterwards."""
    pages = []

    def open_page(**context_options):
        page = new_role_page(browser, **context_options)
        pages.append(page)
        return page

    yield open_page
    for page in pages:
        page.context.close()
