import django_filters

from branches.models import Branch
from villages.choices import VillageKind


class BranchFilter(django_filters.FilterSet):
    county = django_filters.CharFilter(field_name="village__township__county__code")
    township = django_filters.CharFilter(field_name="village__township__code")
    kind = django_filters.ChoiceFilter(field_name="village__kind", choices=VillageKind.choices)
    weak_lax = django_filters.BooleanFilter()

    class Meta:
        model = Branch
        fields = ["county", "township", "kind", "weak_lax"]
