"""Anonymizing a user may now replace their name in the audit log by their pseudonym; consents are append-only.

The audit log's trigger (0006) allowed only clearing `actor_id`. Deleting an account under Quebec's
Law 25 also replaces `actor_label`, the name kept for readability, by the account's stable pseudonym
(`user-` and 16 hexadecimal digits, see hub.services.user_pseudonym). Nothing else may change: the
object, action, states, reason and time of an entry stay as they were, `actor_id` may only be
cleared, and `actor_label` may only become a pseudonym.

The record of consents refuses UPDATE and DELETE, like the audit log (TRUNCATE stays allowed for
the test suite). SQLite (the `make run` default) gets no trigger; the app never changes either table.
"""

from django.db import migrations

AUDIT_FUNCTION = """
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

PREVIOUS_AUDIT_FUNCTION = """
CREATE OR REPLACE FUNCTION hub_auditentry_append_only() RETURNS trigger
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
"""

CONSENT_TRIGGER = """
CREATE FUNCTION hub_consent_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'The record of consents is append-only: % on hub_consent is refused (entry %).', TG_OP, OLD.id
        USING HINT = 'Record a new consent instead.';
END;
$$;

CREATE TRIGGER hub_consent_append_only
    BEFORE UPDATE OR DELETE ON hub_consent
    FOR EACH ROW EXECUTE FUNCTION hub_consent_append_only();
"""

DROP_CONSENT_TRIGGER = """
DROP TRIGGER IF EXISTS hub_consent_append_only ON hub_consent;
DROP FUNCTION IF EXISTS hub_consent_append_only();
"""


def forwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(AUDIT_FUNCTION, params=None)
        schema_editor.execute(CONSENT_TRIGGER, params=None)


def backwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_CONSENT_TRIGGER, params=None)
        schema_editor.execute(PREVIOUS_AUDIT_FUNCTION, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("hub", "0007_consent_and_confidentiality_incident"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
