"""One account per email address, and allauth's record of each account's address (issue 13).

Before this, anyone could type any address on their account page. Where several accounts share an
address (whatever its case), the oldest account keeps it and the others lose it: they enter an
address of their own again, which now has to be confirmed. Then the database refuses duplicates.

Each remaining address gets allauth's EmailAddress row, primary and verified: accounts are created by
the hub (no sign-up yet), password resets already go to these addresses, and allauth treats an
account's unverified address as the one it is changing to, which a new change request would drop.
"""

from django.db import migrations, models
from django.db.models.functions import Lower


def duplicate_emails_clear(apps, schema_editor) -> None:
    User = apps.get_model("hub", "User")
    kept: set[str] = set()
    for user in User.objects.exclude(email="").order_by("pk").only("pk", "email"):
        key = user.email.strip().lower()
        if key in kept:
            User.objects.filter(pk=user.pk).update(email="")
        else:
            kept.add(key)


def email_addresses_create(apps, schema_editor) -> None:
    User = apps.get_model("hub", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    users = User.objects.exclude(email="").exclude(
        pk__in=EmailAddress.objects.filter(primary=True).values("user_id")
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user_id=user.pk, email=user.email.strip().lower(), primary=True, verified=True)
        for user in users.only("pk", "email").iterator()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("hub", "0009_audit_on_behalf_and_notification_kinds"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [
        migrations.RunPython(duplicate_emails_clear, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="user_unique_email",
                violation_error_code="email_taken",
                violation_error_message=(
                    "Another account already uses this email address. Enter an address of your own."
                ),
            ),
        ),
        migrations.RunPython(email_addresses_create, migrations.RunPython.noop),
    ]
