"""Deleting an account may now replace the words its person typed in the audit log by a fixed marker.

Under Quebec's Law 25 the log keeps who (the pseudonym), what and when, not the person's own words: on
deletion, the `reason` of the entries they made becomes exactly AuditEntry.REASON_ERASED. The trigger
(0006, then 0008) allows that change only, and only on an entry whose actor is, or becomes, a
pseudonym; everything else stays as in 0008: the object, action, states, the party a coordinator acted for
(`on_behalf_of`, 0009) and time never change,
`actor_id` may only be cleared, `actor_label` may only become a pseudonym.
"""

from django.db import migrations

# The marker is written out here, as the trigger compares it: a later change of AuditEntry.REASON_ERASED
# needs a migration that re-creates the function.
AUDIT_FUNCTION = """
CREATE OR REPLACE FUNCTION hub_auditentry_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND (to_jsonb(NEW) - 'actor_id' - 'actor_label' - 'reason')
           = (to_jsonb(OLD) - 'actor_id' - 'actor_label' - 'reason')
       AND (NEW.actor_id IS NULL OR NEW.actor_id = OLD.actor_id)
       AND (NEW.actor_label = OLD.actor_label OR NEW.actor_label ~ '^user-[0-9a-f]{16}$')
       AND (NEW.reason = OLD.reason
            OR (NEW.reason = 'Text erased at the request of the person concerned (Law 25).'
                AND NEW.actor_label ~ '^user-[0-9a-f]{16}$')) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'The audit log is append-only: % on hub_auditentry is refused (entry %).', TG_OP, OLD.id
        USING HINT = 'Record a new entry instead; only clearing actor_id, pseudonymizing actor_label or erasing '
                     'the reason of a pseudonymized entry is allowed.';
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
        ("hub", "0010_user_unique_email_and_email_addresses"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
