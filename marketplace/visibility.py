"""Who sees which sections of a vendor's profile: the one rule every channel asks (docs/privacy.md).

A firm chooses the sections of its public profile (`Vendor.public_profile`). Its own members and the
hub's coordinators see every section; an app to the right may grant a viewer a firm's whole profile
through the `full_profile_granted` signal (matching: the organization whose challenge the firm chose
to answer). Everyone else sees the public sections only, and a hidden section must be neither shown,
nor counted, nor filterable, nor searchable by that viewer.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Exists, OuterRef, Q, QuerySet, Value

from hub import roles
from hub.models import User
from marketplace.models import ProfileSection, Vendor
from marketplace.signals import full_profile_granted

# The output fields each section covers, derived values included: `is_sme` says the size as well.
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    ProfileSection.DESCRIPTION: ("description",),
    ProfileSection.REFERENCES: ("references",),
    ProfileSection.CERTIFICATIONS: ("certifications",),
    ProfileSection.REGIONS: ("regions",),
    ProfileSection.EMPLOYEES: ("employees", "is_sme"),
    ProfileSection.CONTACT: ("contact_name", "contact_email", "contact_phone"),
}
EVERY_SECTION = frozenset(ProfileSection.values)


@dataclass(frozen=True)
class ProfileVisibility:
    """What one viewer may see of vendors' profiles."""

    user: User

    @property
    def sees_everything(self) -> bool:
        return roles.is_coordinator(self.user)

    def full_profile_vendors(self) -> QuerySet:
        """Ids of the vendors whose whole profile this viewer sees (every vendor, for coordinators)."""
        if self.sees_everything:
            return Vendor.objects.values("pk")
        if not self.user.is_authenticated:
            return Vendor.objects.none().values("pk")
        granted = Q(members=self.user)
        for _receiver, vendor_ids in full_profile_granted.send(sender=Vendor, user=self.user):
            granted |= Q(pk__in=vendor_ids)
        return Vendor.objects.filter(granted).values("pk")

    @cached_property
    def full_profile_ids(self) -> frozenset[int]:
        """The same, as ids, read once: a handful (their own firms, the firms that answered them)."""
        if self.sees_everything:
            return frozenset()  # Never asked: `sees_everything` answers first.
        return frozenset(self.full_profile_vendors().values_list("pk", flat=True))

    def full_profile_expression(self) -> Exists | Value:
        """Whether this viewer sees an (outer) vendor's whole profile, as a query expression."""
        if self.sees_everything:
            return Value(True)
        if not self.user.is_authenticated:
            return Value(False)
        return Exists(self.full_profile_vendors().filter(pk=OuterRef("pk")))

    def section_visible(self, section: str) -> Q:
        """Vendors whose `section` this viewer sees: a filter on that section must stay within them."""
        if self.sees_everything:
            return Q()
        # The section's quoted name in the list's JSON text: unlike a JSON containment lookup, this works on
        # SQLite too (`make run`), and no section's name is part of another's.
        public = Q(public_profile__icontains=f'"{section}"')
        if not self.user.is_authenticated:
            return public
        return public | Q(pk__in=self.full_profile_vendors())

    def sections(self, *, vendor_id: int, public_profile: Iterable[str]) -> frozenset[str]:
        """The sections of a vendor's profile this viewer sees (ProfileSection values), from its id and
        its public sections: a row, or a document of the search index."""
        if self.sees_everything or vendor_id in self.full_profile_ids:
            return EVERY_SECTION
        return frozenset(public_profile)


def redact(data: dict, *, sections: Iterable[str]) -> dict:
    """The data with every field of a section not in `sections` set to null."""
    visible = set(sections)
    hidden = [name for section, names in SECTION_FIELDS.items() if section not in visible for name in names]
    return {**data, **{name: None for name in hidden if name in data}}


def vendor_profile_sections(*, vendor: Vendor) -> frozenset[str]:
    """The sections a vendor selected through `selectors.vendor_list` shows to the viewer it was selected for.

    Private by default: a vendor read any other way shows only its public sections."""
    return EVERY_SECTION if getattr(vendor, "full_profile", False) else frozenset(vendor.public_profile)
