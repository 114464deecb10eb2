import django_filters
from django.utils.translation import gettext_lazy as _

from marketplace.models import Challenge, Expertise, Language, Region, Vendor


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
    deadline_after = django_filters.DateFilter(field_name="deadline", lookup_expr="gte", label=_("deadline after"))
    deadline_before = django_filters.DateFilter(field_name="deadline", lookup_expr="lte", label=_("deadline before"))
    budget_min = django_filters.NumberFilter(field_name="budget_max", lookup_expr="gte", label=_("minimum budget"))
    budget_max = django_filters.NumberFilter(field_name="budget_min", lookup_expr="lte", label=_("maximum budget"))

    class Meta:
        model = Challenge
        fields: list[str] = []


class VendorFilter(django_filters.FilterSet):
    expertise = django_filters.ModelMultipleChoiceFilter(
        field_name="expertise__code", to_field_name="code", queryset=Expertise.objects.all()
    )
    region = django_filters.ModelMultipleChoiceFilter(
        field_name="regions__code", to_field_name="code", queryset=Region.objects.all()
    )
    max_employees = django_filters.NumberFilter(field_name="employees", lookup_expr="lte", label=_("maximum employees"))
    verified = django_filters.BooleanFilter(field_name="is_verified")

    class Meta:
        model = Vendor
        fields: list[str] = []
