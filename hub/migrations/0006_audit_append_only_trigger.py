"""The audit log refuses UPDATE and DELETE in the database itself, on PostgreSQL.

One UPDATE stays allowed: clearing `actor_id` and nothing else, which is what deleting or
anonymizing a user does (the foreign key is SET NULL; `actor_label` keeps the name). TRUNCATE
is not blocked, so that the test suite can still empty tables between transactional tests.
SQLite (the `make run` default) gets no trigger; the app itself never updates or deletes entries.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION hub_auditentry_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL
       AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'The audit log is append-only: % on hub_auditentry is refused (entry %).', TG_OP, OLD.id
        USING HINT = 'Record a new entry instead; only clearing actor_id is allowed.';
END;
$$;

CREATE TRIGGER hub_auditentry_append_only
    BEFORE UPDATE OR DELETE ON hub_auditentry
    FOR EACH ROW EXECUTE FUNCTION hub_auditentry_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS hub_auditentry_append_only ON hub_auditentry;
DROP FUNCTION IF EXISTS hub_auditentry_append_only();
"""


def create_trigger(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("hub", "0005_email_preferences"),
    ]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
