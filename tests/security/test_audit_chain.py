"""DA-2: the audit log and the case events are hash-chained; `audit_verify` names
the first broken record."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from applications.models import CaseEvent
from hengyang_award.core.models import AuditLog
from hengyang_award.core.services import audit_log_write
from tests.factories import PATH_TO


def _verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("audit_verify", stdout=out, stderr=out)
    return out.getvalue()


def _tamper(sql: str, params: list) -> None:
    """Change a record behind the application's back (what an intruder with
    superuser rights could do): the insert-only triggers do not fire for it."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET LOCAL session_replication_role = origin")


@pytest.mark.django_db
def test_audit_records_link_each_to_the_previous():
    first = audit_log_write("test.first", detail_value={"b": 2, "a": [1, "二"]})
    second = audit_log_write("test.second")
    assert first.hash
    assert second.prev_hash == first.hash
    stored = AuditLog.objects.get(pk=first.pk)
    assert stored.compute_hash() == stored.hash


@pytest.mark.django_db
def test_audit_verify_intact_chain_passes(world):
    world.drive(world.new_case(), PATH_TO["accepted"])
    assert "哈希链完整" in _verify()


@pytest.mark.django_db
def test_audit_verify_changed_audit_record_named(world):
    audit_log_write("test.one")
    victim = audit_log_write("test.two", amount=100)
    audit_log_write("test.three")
    _tamper("UPDATE core_auditlog SET detail = %s WHERE id = %s", ['{"amount": 1}', victim.pk])
    with pytest.raises(CommandError) as failure:
        _verify()
    assert "1" in str(failure.value)
    from io import StringIO

    err = StringIO()
    with pytest.raises(CommandError):
        call_command("audit_verify", stdout=StringIO(), stderr=err)
    assert f"#{victim.pk}" in err.getvalue()
    assert "内容与哈希不符" in err.getvalue()


@pytest.mark.django_db
def test_audit_verify_removed_audit_record_breaks_the_next_link():
    audit_log_write("test.one")
    removed = audit_log_write("test.two")
    after = audit_log_write("test.three")
    _tamper("DELETE FROM core_auditlog WHERE id = %s", [removed.pk])
    from io import StringIO

    err = StringIO()
    with pytest.raises(CommandError):
        call_command("audit_verify", stdout=StringIO(), stderr=err)
    assert f"#{after.pk}" in err.getvalue()
    assert "链接不符" in err.getvalue()


@pytest.mark.django_db
def test_audit_verify_changed_case_event_named(world):
    case = world.drive(world.new_case(), PATH_TO["recommended"])
    event = CaseEvent.objects.filter(case=case, name="submit").get()
    _tamper("UPDATE applications_caseevent SET note = %s WHERE id = %s", ["改过的", event.pk])
    from io import StringIO

    err = StringIO()
    with pytest.raises(CommandError):
        call_command("audit_verify", stdout=StringIO(), stderr=err)
    assert f"案卷 {case.pk}" in err.getvalue()
    assert f"#{event.pk}" in err.getvalue()


@pytest.mark.django_db(transaction=True)
def test_audit_chain_concurrent_writers_stay_one_chain():
    errors = []

    def write(n: int) -> None:
        try:
            for i in range(15):
                audit_log_write("test.concurrent", writer=n, i=i)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = list(AuditLog.objects.filter(action="test.concurrent").order_by("pk"))
    assert len(rows) == 60
    assert "哈希链完整" in _verify()
