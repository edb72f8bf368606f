"""Insert-only models: the ORM refuses updates and deletes, and a database trigger
(see `insert_only_trigger_operations`) refuses them too, for raw SQL."""

from django.db import migrations, models
from django.utils.translation import gettext as _


class ImmutableRecordError(Exception):
    pass


class InsertOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableRecordError(_("审计记录不可修改。"))

    def delete(self):
        raise ImmutableRecordError(_("审计记录不可删除。"))

    def bulk_update(self, *args, **kwargs):
        raise ImmutableRecordError(_("审计记录不可修改。"))


class InsertOnlyModel(models.Model):
    objects = InsertOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRecordError(_("审计记录不可修改。"))
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError(_("审计记录不可删除。"))


def insert_only_trigger_operations(table: str) -> list[migrations.RunPython]:
    """Migration operations installing a trigger that refuses UPDATE and DELETE
    (PostgreSQL and SQLite, so the embedded `make run` database is protected too).

    TRUNCATE is not refused: the test runner flushes tables with it, and it needs
    table ownership, which a production deployment should not give the web role."""

    def forwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(
                f"""
                CREATE OR REPLACE FUNCTION {table}_refuse_change() RETURNS trigger AS $$
                BEGIN
                    RAISE EXCEPTION 'table {table} is insert-only (%%)', TG_OP
                        USING ERRCODE = 'insufficient_privilege';
                END;
                $$ LANGUAGE plpgsql;
                CREATE TRIGGER {table}_insert_only
                    BEFORE UPDATE OR DELETE ON {table}
                    FOR EACH STATEMENT EXECUTE FUNCTION {table}_refuse_change();
                """
            )
        elif vendor == "sqlite":
            for op in ("UPDATE", "DELETE"):
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'table {table} is insert-only'); END;"
                )

    def backwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS {table}_insert_only ON {table}; "
                f"DROP FUNCTION IF EXISTS {table}_refuse_change();"
            )
        elif vendor == "sqlite":
            for op in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op}")

    return [migrations.RunPython(forwards, backwards)]
