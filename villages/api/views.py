from typing import Any

from rest_framework import viewsets

from access.scope import restrict
from villages.api.serializers import CountySerializer, TownshipSerializer, VillageSerializer
from villages.filters import TownshipFilter, VillageFilter
from villages.models import County, Township, Village


class CountyViewSet(viewsets.ReadOnlyModelViewSet):
    """Counties the caller may see, by 12-digit code."""

    serializer_class = CountySerializer
    lookup_field = "code"

    def get_queryset(self) -> Any:
        return restrict(County.objects.select_related("city"), self.request.user)


class TownshipViewSet(viewsets.ReadOnlyModelViewSet):
    """Townships the caller may see, by 12-digit code; filter with `?county=<code>`."""

    serializer_class = TownshipSerializer
    filterset_class = TownshipFilter
    lookup_field = "code"

    def get_queryset(self) -> Any:
        return restrict(Township.objects.select_related("county"), self.request.user)


class VillageViewSet(viewsets.ReadOnlyModelViewSet):
    """Villages and communities the caller may see, by 12-digit code."""

    serializer_class = VillageSerializer
    filterset_class = VillageFilter
    lookup_field = "code"

    def get_queryset(self) -> Any:
        return restrict(Village.objects.select_related("township"), self.request.user)
