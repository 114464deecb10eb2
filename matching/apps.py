from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        from hub.signals import personal_data_erase_requested, personal_data_requested
        from marketplace.signals import (
            catalog_imported,
            challenge_ended,
            challenge_published,
            full_profile_granted,
            searchable_changed,
        )
        from matching import selectors, services
        from matching.search import client, outbox

        client.search_connect()
        searchable_changed.connect(outbox.outbox_record, dispatch_uid="matching.outbox_record")
        catalog_imported.connect(outbox.outbox_record_rebuild, dispatch_uid="matching.outbox_record_rebuild")
        challenge_published.connect(
            services.saved_search_alerts_queue, dispatch_uid="matching.saved_search_alerts_queue"
        )
        challenge_published.connect(
            services.proposals_generate_queue, dispatch_uid="matching.proposals_generate_queue"
        )
        challenge_ended.connect(
            services.introductions_tell_challenge_ended,
            dispatch_uid="matching.introductions_tell_challenge_ended",
        )
        personal_data_requested.connect(
            selectors.matching_personal_data, dispatch_uid="matching.personal_data"
        )
        personal_data_erase_requested.connect(
            services.saved_searches_erase, dispatch_uid="matching.saved_searches_erase"
        )
        personal_data_erase_requested.connect(
            services.workflow_authorship_erase, dispatch_uid="matching.workflow_authorship_erase"
        )
        full_profile_granted.connect(
            selectors.vendor_ids_answering_user, dispatch_uid="matching.vendor_ids_answering_user"
        )
