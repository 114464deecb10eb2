from django.db.models import F
from django.utils import timezone

from hub.roles import AnyUser, is_organization_member
from matching.models import (
    VendorExposure,
)


def vendor_exposure_record(*, vendor_ids: list[int], channel: str) -> None:
    """Count one exposure for each vendor shown; two statements, safe under concurrent requests."""
    vendor_ids = set(vendor_ids)
    if not vendor_ids:
        return
    today = timezone.localdate()
    VendorExposure.objects.bulk_create(
        [VendorExposure(vendor_id=pk, day=today, channel=channel) for pk in vendor_ids], ignore_conflicts=True
    )
    VendorExposure.objects.filter(vendor_id__in=vendor_ids, day=today, channel=channel).update(
        count=F("count") + 1
    )


def vendor_search_exposure_record(*, reader: AnyUser, vendor_ids: list[int]) -> None:
    """The directory is public, but its exposures measure the attention of public bodies (their members
    and the Centre's coordinators): anyone else's reading, a crawler's included, is not counted."""
    if is_organization_member(reader):
        vendor_exposure_record(vendor_ids=vendor_ids, channel=VendorExposure.Channel.SEARCH)
