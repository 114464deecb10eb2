"""The audit log's trigger function, re-created so that it names `on_behalf_of` (added in 0009) among the columns
nothing may change.

The function compares whole rows (to_jsonb) minus the columns an anonymization may change (`actor_id`,
`actor_label`), so the new column is already immutable; re-creating the function says so where the rule is
written, and keeps each trigger change in its own migration. Another change to this function (erasing a
deleted person's free text in `reason`) must keep `on_behalf_of` out of what may change.
"""
from django.db import migrations

AUDIT_FUNCTION = """
CREATE OR REPLACE FUNCTION hub_auditentry_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Every other column (object, action, states, reason, on_behalf_of, time) stays as it was.
    IF TG_OP = 'UPDATE'
       AND (to_jsonb(NEW) - 'actor_id' - 'actor_label') = (to_jsonb(OLD) - 'actor_id' - 'actor_label')
       AND NEW.on_behalf_of IS NOT DISTINCT FROM OLD.on_behalf_of
       AND (NEW.actor_id IS NULL OR NEW.actor_id = OLD.actor_id)
       AND (NEW.actor_label = OLD.actor_label OR NEW.actor_label ~ '^user-[0-9a-f]{16}$') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'The audit log is append-only: % on hub_auditentry is refused (entry %).', TG_OP, OLD.id
        USING HINT = 'Record a new entry instead; only clearing actor_id or pseudonymizing actor_label is allowed.';
END;
$$;
"""

PREVIOUS_AUDIT_FUNCTION = """
CREATE OR REPLACE FUNCTION hub_auditentry_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND (to_jsonb(NEW) - 'actor_id' - 'actor_label') = (to_jsonb(OLD) - 'actor_id' - 'actor_label')
       AND (NEW.actor_id IS NULL OR NEW.actor_id = OLD.actor_id)
       AND (NEW.actor_label = OLD.actor_label OR NEW.actor_label ~ '^user-[0-9a-f]{16}$') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'The audit log is append-only: % on hub_auditentry is refused (entry %).', TG_OP, OLD.id
        USING HINT = 'Record a new entry instead; only clearing actor_id or pseudonymizing actor_label is allowed.';
END;
$$;
"""


def forwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(AUDIT_FUNCTION, params=None)


def backwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS_AUDIT_FUNCTION, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("hub", "0009_audit_on_behalf_and_notification_kinds"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
