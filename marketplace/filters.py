import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from marketplace.models import Challenge, Expertise, Language, ProfileSection, Region, Vendor
from marketplace.visibility import ProfileVisibility


class ChallengeFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Challenge.Status.choices)
    organization = django_filters.NumberFilter(field_name="organization_id")
    expertise = django_filters.ModelMultipleChoiceFilter(
        field_name="expertise__code", to_field_name="code", queryset=Expertise.objects.all()
    )
    region = django_filters.ModelMultipleChoiceFilter(
        field_name="regions__code", to_field_name="code", queryset=Region.objects.all()
    )
    language = django_filters.ChoiceFilter(choices=Language.choices)
    deadline_after = django_filters.DateFilter(
        field_name="deadline", lookup_expr="gte", label=_("deadline after")
    )
    deadline_before = django_filters.DateFilter(
        field_name="deadline", lookup_expr="lte", label=_("deadline before")
    )
    budget_min = django_filters.NumberFilter(
        field_name="budget_max", lookup_expr="gte", label=_("minimum budget")
    )
    budget_max = django_filters.NumberFilter(
        field_name="budget_min", lookup_expr="lte", label=_("maximum budget")
    )

    class Meta:
        model = Challenge
        fields: list[str] = []


class VendorFilter(django_filters.FilterSet):
    """Give it the request: a filter on a profile section only matches firms whose section this reader
    sees, or filtering would reveal a hidden value (bisection on `max_employees`, say)."""

    expertise = django_filters.ModelMultipleChoiceFilter(
        field_name="expertise__code", to_field_name="code", queryset=Expertise.objects.all()
    )
    region = django_filters.ModelMultipleChoiceFilter(
        to_field_name="code", queryset=Region.objects.all(), method="filter_region"
    )
    max_employees = django_filters.NumberFilter(label=_("maximum employees"), method="filter_max_employees")
    verified = django_filters.BooleanFilter(field_name="is_verified")

    class Meta:
        model = Vendor
        fields: list[str] = []

    def _visible(self, vendors: QuerySet[Vendor], section: str) -> QuerySet[Vendor]:
        return vendors.filter(ProfileVisibility(user=self.request.user).section_visible(section))

    def filter_region(self, vendors: QuerySet[Vendor], name: str, regions) -> QuerySet[Vendor]:
        if not regions:
            return vendors
        return self._visible(vendors.filter(regions__in=regions), ProfileSection.REGIONS).distinct()

    def filter_max_employees(self, vendors: QuerySet[Vendor], name: str, value) -> QuerySet[Vendor]:
        return self._visible(vendors.filter(employees__lte=value), ProfileSection.EMPLOYEES)
