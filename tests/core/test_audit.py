import json

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from hengyang_award.core.insert_only import ImmutableRecordError
from hengyang_award.core.models import AuditLog
from hengyang_award.core.roles import Role
from hengyang_award.core.services import audit_log_write
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

WRONG_PASSWORD = "not-the-password-42"


@pytest.fixture
def entry() -> AuditLog:
    return audit_log_write("test.event", note="原始内容")


def stored(entry: AuditLog) -> tuple:
    return AuditLog.objects.filter(pk=entry.pk).values_list("action", "detail").get()


def auth_rows() -> list[dict]:
    return list(
        AuditLog.objects.filter(action__startswith="auth.")
        .order_by("pk")
        .values("action", "actor_id", "object_type", "object_id", "detail", "ip")
    )


# --- insert-only in the ORM ---------------------------------------------------------


def test_auditlog_instance_save_after_creation_raises(entry):
    entry.action = "tampered"

    with pytest.raises(ImmutableRecordError):
        entry.save()

    assert stored(entry) == ("test.event", {"note": "原始内容"})


def test_auditlog_instance_save_fetched_row_raises(entry):
    fetched = AuditLog.objects.get(pk=entry.pk)
    fetched.detail = {"note": "改过"}

    with pytest.raises(ImmutableRecordError):
        fetched.save(update_fields=["detail"])

    assert stored(entry) == ("test.event", {"note": "原始内容"})


def test_auditlog_instance_delete_raises(entry):
    with pytest.raises(ImmutableRecordError):
        entry.delete()

    assert AuditLog.objects.filter(pk=entry.pk).count() == 1


def test_auditlog_queryset_update_raises(entry):
    with pytest.raises(ImmutableRecordError):
        AuditLog.objects.filter(pk=entry.pk).update(action="tampered")

    assert stored(entry) == ("test.event", {"note": "原始内容"})


def test_auditlog_queryset_delete_raises(entry):
    with pytest.raises(ImmutableRecordError):
        AuditLog.objects.all().delete()

    assert AuditLog.objects.filter(pk=entry.pk).count() == 1


def test_auditlog_queryset_bulk_update_raises(entry):
    entry.action = "tampered"

    with pytest.raises(ImmutableRecordError):
        AuditLog.objects.bulk_update([entry], ["action"])

    assert stored(entry) == ("test.event", {"note": "原始内容"})


# --- insert-only in the database --------------------------------------------------


def test_auditlog_raw_sql_update_refused_by_database(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditlog SET action='x'")

    assert stored(entry) == ("test.event", {"note": "原始内容"})


def test_auditlog_raw_sql_delete_refused_by_database(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditlog")

    assert AuditLog.objects.filter(pk=entry.pk).count() == 1


def test_auditlog_base_manager_update_refused_by_database(entry):
    # The default manager refuses in Python; the plain base manager reaches the
    # trigger, which refuses too.
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLog._base_manager.filter(pk=entry.pk).update(action="tampered")

    assert stored(entry) == ("test.event", {"note": "原始内容"})


def test_auditlog_raw_sql_insert_allowed(entry):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditlog (at, action, object_type, object_id, detail) "
            "VALUES (now(), 'raw.insert', '', '', '{}'::jsonb)"
        )

    assert AuditLog.objects.filter(action="raw.insert").count() == 1


# --- authentication events ---------------------------------------------------------


def test_login_success_writes_auth_login_row(client):
    user = make_user(Role.REVIEWER)

    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})

    assert response.status_code == 302
    assert auth_rows() == [
        {
            "action": "auth.login",
            "actor_id": user.pk,
            "object_type": "core.User",
            "object_id": str(user.pk),
            "detail": {},
            "ip": "127.0.0.1",
        }
    ]


def test_logout_writes_auth_logout_row(client):
    user = make_user(Role.REVIEWER)
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert [(r["action"], r["actor_id"]) for r in auth_rows()] == [
        ("auth.login", user.pk),
        ("auth.logout", user.pk),
    ]


def test_logout_anonymous_writes_no_row(client):
    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert auth_rows() == []


def test_login_failed_records_username_tried_never_password(client):
    user = make_user(Role.REVIEWER)

    response = client.post(
        reverse("login"), {"username": user.username, "password": WRONG_PASSWORD}
    )

    assert response.status_code == 200
    rows = auth_rows()
    assert rows == [
        {
            "action": "auth.login_failed",
            "actor_id": None,
            "object_type": "",
            "object_id": "",
            "detail": {"username": user.username},
            "ip": "127.0.0.1",
        }
    ]
    assert WRONG_PASSWORD not in json.dumps(rows, ensure_ascii=False)


def test_login_failed_unknown_username_recorded(client):
    response = client.post(
        reverse("login"), {"username": "nobody-here", "password": WRONG_PASSWORD}
    )

    assert response.status_code == 200
    assert [(r["action"], r["detail"]) for r in auth_rows()] == [
        ("auth.login_failed", {"username": "nobody-here"})
    ]


def test_login_failed_then_success_no_password_in_any_audit_row(client):
    user = make_user(Role.REVIEWER)

    client.post(reverse("login"), {"username": user.username, "password": WRONG_PASSWORD})
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})

    everything = json.dumps(list(AuditLog.objects.values()), ensure_ascii=False, default=str)
    assert [r["action"] for r in auth_rows()] == ["auth.login_failed", "auth.login"]
    assert (everything.count(WRONG_PASSWORD), everything.count(PASSWORD)) == (0, 0)
