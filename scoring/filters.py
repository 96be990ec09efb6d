"""List filters by codes, shared by pages and API (django-filter, as NetBox does)."""

import django_filters

from scoring.choices import ChecklistState, ObjectionStatus
from scoring.models import Checklist, Objection
from villages.choices import VillageKind


class ChecklistFilter(django_filters.FilterSet):
    cycle = django_filters.CharFilter(field_name="cycle__code", label="周期代码，如 2026、2026Q1")
    state = django_filters.ChoiceFilter(choices=ChecklistState.choices, label="状态")
    township = django_filters.CharFilter(
        field_name="branch__village__township__code", label="乡镇(街道)区划代码"
    )
    kind = django_filters.ChoiceFilter(
        field_name="branch__village__kind",
        choices=VillageKind.choices,
        label="类型（农村、城市社区）",
    )

    class Meta:
        model = Checklist
        fields = ["cycle", "state", "township", "kind"]


class ObjectionFilter(django_filters.FilterSet):
    open = django_filters.BooleanFilter(method="filter_open", label="只看未处理的")

    class Meta:
        model = Objection
        fields = ["open"]

    def filter_open(self, queryset, name, value):  # type: ignore[no-untyped-def]
        if value:
            return queryset.filter(status=ObjectionStatus.OPEN)
        return queryset
