from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("Marketplace")

    def ready(self) -> None:
        from hub.signals import personal_data_erase_requested, personal_data_requested
        from marketplace import selectors, services

        personal_data_requested.connect(
            selectors.vendor_personal_data, dispatch_uid="marketplace.vendor_personal_data"
        )
        personal_data_erase_requested.connect(
            services.vendor_personal_data_erase, dispatch_uid="marketplace.vendor_personal_data_erase"
        )
