"""Make the ledger tables append-only in the database itself, not only in the ORM.

The models refuse save() of an existing row and delete(), but a raw query or a database user at
the console could still rewrite history. On PostgreSQL a trigger rejects every UPDATE and DELETE
of registry_ledgerentry, registry_ledgerhash and registry_checkpoint. TRUNCATE is left alone
because the test runner empties tables with it between transactional tests; in production the
application's database role should also lose UPDATE, DELETE and TRUNCATE on these tables
(REVOKE), which no migration can do for a role it does not know. Other databases (the SQLite
trial run) keep the ORM-level protection only.
"""

from django.db import migrations

TABLES = ["registry_ledgerentry", "registry_ledgerhash", "registry_checkpoint"]

FUNCTION = """
CREATE OR REPLACE FUNCTION registry_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""

TRIGGER = """
CREATE TRIGGER {table}_append_only
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION registry_ledger_append_only();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(TRIGGER.format(table=table), params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};", params=None)
    schema_editor.execute("DROP FUNCTION IF EXISTS registry_ledger_append_only();", params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0001_ledger"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
