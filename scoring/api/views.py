from typing import Any

from django.db.models import Prefetch
from rest_framework import viewsets

from scoring.api.serializers import CatalogueDetailSerializer, CatalogueSerializer
from scoring.models import Catalogue, Criterion


class CatalogueViewSet(viewsets.ReadOnlyModelViewSet):
    """Star catalogues. Published ones are readable by every signed-in user: they are the rules."""

    lookup_field = "code"
    filterset_fields = ["branch_kind", "year"]

    def get_queryset(self) -> Any:
        queryset = Catalogue.objects.select_related("base_star").filter(published_at__isnull=False)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                "stars", Prefetch("criteria", Criterion.objects.select_related("star"))
            )
        return queryset

    def get_serializer_class(self) -> Any:
        return CatalogueDetailSerializer if self.action == "retrieve" else CatalogueSerializer
