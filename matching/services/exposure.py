from django.db.models import F
from django.utils import timezone

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
