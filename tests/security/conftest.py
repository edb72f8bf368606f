import pytest

from tests.shared import module_transaction


@pytest.fixture(scope="module")
def access(django_db_setup, django_db_blocker):
    """The access matrix's objects, built once per module inside a transaction
    that is rolled back at the end of the module (each test's own transaction is
    a savepoint inside it), so nothing leaks into other modules' tests."""
    from tests.factories.access import access_world

    with module_transaction(django_db_blocker):
        yield access_world()
