from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from hub.models import ApiToken, AuditEntry, Consent, Notification, User


class UserOutputSerializer(serializers.ModelSerializer):
    organizations = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    vendors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = User
        fields = [*User.ACCOUNT_FIELDS, "organizations", "vendors"]


class TokenInputSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    code = serializers.CharField(
        max_length=64,
        required=False,
        default="",
        allow_blank=True,
        help_text=_(
            "For an account with two-factor authentication: the code its authenticator app shows now, or one "
            "of its unused recovery codes."
        ),
    )
    label = serializers.CharField(
        max_length=ApiToken._meta.get_field("label").max_length,
        required=False,
        default="",
        allow_blank=True,
        help_text=_(
            "A name to tell this token apart in your list of tokens, such as the script that uses it."
        ),
    )


class TokenOutputSerializer(serializers.ModelSerializer):
    """A token in the user's list: never its key, which only its creation returns."""

    class Meta:
        model = ApiToken
        fields = ["id", "label", "prefix", "created_at", "expires_at", "last_used_at"]


class TokenCreateOutputSerializer(TokenOutputSerializer):
    token = serializers.CharField(
        source="key", help_text=_("The key, shown this once: send it as “Authorization: Token <key>”.")
    )

    class Meta(TokenOutputSerializer.Meta):
        fields = ["token", *TokenOutputSerializer.Meta.fields]


class NotificationOutputSerializer(serializers.ModelSerializer):
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at", "is_read"]


class UserPreferencesUpdateInputSerializer(serializers.Serializer):
    preferred_language = serializers.ChoiceField(
        choices=User._meta.get_field("preferred_language").choices,
        required=False,
        error_messages={"invalid_choice": _("“{input}” is not a language of the site. Choose fr or en.")},
    )
    email_frequency = serializers.ChoiceField(
        choices=User.EmailFrequency.choices,
        required=False,
        help_text=_(
            "immediate: one email per notification; daily_digest: one summary each morning; off: no email."
        ),
        error_messages={
            "invalid_choice": _("“{input}” is not an email frequency. Choose immediate, daily_digest or off.")
        },
    )


class UserPreferencesOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["preferred_language", "email_frequency"]


class AuditEntryListInputSerializer(serializers.Serializer):
    object_type = serializers.CharField(
        required=False, max_length=40, help_text=_("Model name, e.g. challenge, matchproposal, introduction.")
    )
    object_id = serializers.IntegerField(required=False, min_value=1)
    actor = serializers.IntegerField(
        required=False, min_value=1, help_text=_("Id of the user who made the change.")
    )
    date_from = serializers.DateField(required=False, help_text=_("First day included (YYYY-MM-DD)."))
    date_to = serializers.DateField(required=False, help_text=_("Last day included (YYYY-MM-DD)."))

    def validate(self, data: dict) -> dict:
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise serializers.ValidationError(
                {"date_to": [_("The last day cannot come before the first day. Swap the two dates.")]}
            )
        return data


class AuditEntryOutputSerializer(serializers.ModelSerializer):
    reason = serializers.CharField(source="reason_display", read_only=True)

    class Meta:
        model = AuditEntry
        fields = ["id", "created_at", "actor", "actor_label", *AuditEntry.CHANGE_FIELDS, "on_behalf_of"]


class ConsentCreateInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=Consent.Kind.choices,
        error_messages={"invalid_choice": _("“{input}” is not a consent. Choose terms or notifications.")},
    )
    granted = serializers.BooleanField(help_text=_("true to give the consent, false to withdraw it."))
    version = serializers.CharField(
        max_length=32,
        required=False,
        help_text=_("The version of the text the user was shown; it must be current."),
    )


class ConsentOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Consent
        fields = ["id", "kind", "version", "granted", "created_at"]


class ConsentListOutputSerializer(serializers.Serializer):
    current_versions = serializers.DictField(child=serializers.CharField())
    consents = ConsentOutputSerializer(many=True)


class UserDeleteInputSerializer(serializers.Serializer):
    password = serializers.CharField(
        style={"input_type": "password"},
        trim_whitespace=False,
        required=False,
        default="",
        help_text=_("The current password, to confirm."),
    )
    email = serializers.CharField(
        required=False,
        default="",
        max_length=254,
        help_text=_(
            "For an account without a password (it signs in through its organization): its email address, to "
            "confirm, in a session signed in within the last minutes."
        ),
    )


class InvitationCreateInputSerializer(serializers.Serializer):
    email = serializers.EmailField(
        max_length=254, help_text=_("The address to invite; the link is emailed there, and works once.")
    )


class InvitationOutputSerializer(serializers.Serializer):
    """A pending invitation, to an organization or a firm. Its key is never shown: only the invited person's email
    carries it."""

    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True)
    invited_by = serializers.SerializerMethodField()
    language = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True)

    def get_invited_by(self, invitation) -> str | None:
        user = invitation.invited_by
        return (user.get_full_name() or user.get_username()) if user else None
