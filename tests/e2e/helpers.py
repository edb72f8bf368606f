"""What the browser journeys share: a page per role in a context of its own, the
login form, and files to upload."""

from tests.factories import PASSWORD, tiny_pdf

TIMEOUT_MS = 15_000


def new_role_page(browser, **context_options):
    """A page in a fresh browser context (its own cookies, so its own session).
    Confirmation dialogs (submitting a scorebook, closing a ballot) are accepted."""
    context = browser.new_context(locale="zh-CN", **context_options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def login(page, live_server, username: str, password: str = PASSWORD) -> None:
    """Sign in through the login form (staying on it when already there, e.g. after
    the e-mail verification) and wait for the home page."""
    if "/accounts/login/" not in page.url:
        page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url("**/home/")


def pdf_file(name: str) -> dict:
    """A small real PDF for `set_input_files`."""
    return {"name": name, "mimeType": "application/pdf", "buffer": tiny_pdf(name)}
