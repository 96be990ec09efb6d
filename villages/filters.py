"""Filters by codes, shared by pages and API."""

import django_filters

from villages.choices import VillageKind
from villages.models import Township, Village


class TownshipFilter(django_filters.FilterSet):
    county = django_filters.CharFilter(field_name="county__code", label="县代码")

    class Meta:
        model = Township
        fields = ["county"]


class VillageFilter(django_filters.FilterSet):
    county = django_filters.CharFilter(field_name="township__county__code", label="县代码")
    township = django_filters.CharFilter(field_name="township__code", label="乡镇代码")
    kind = django_filters.ChoiceFilter(choices=VillageKind.choices, label="类型")
    name = django_filters.CharFilter(field_name="name", lookup_expr="contains", label="名称包含")

    class Meta:
        model = Village
        fields = ["county", "township", "kind", "name"]
