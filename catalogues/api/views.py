from typing import Any

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from catalogues import engine
from catalogues.api.serializers import (
    CatalogueDetailSerializer,
    CatalogueSerializer,
    ScoreInputSerializer,
    ScoreResultSerializer,
)
from catalogues.models import Catalogue, Criterion
from catalogues.selectors import catalogue_load


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
        if self.action == "score":
            return ScoreInputSerializer
        return CatalogueDetailSerializer if self.action == "retrieve" else CatalogueSerializer

    @extend_schema(request=ScoreInputSerializer, responses=ScoreResultSerializer)
    @action(detail=True, methods=["post"])
    def score(self, request: Request, code: str | None = None) -> Response:
        """Score answers without saving them: the "what if" simulator (模拟测算).

        Returns the level, each star's score and shortfall, and for each star not earned the
        fewest unmet criteria whose meeting would earn it. A wrong value type or a percent
        outside 0–100 is a 400 naming the criterion.
        """
        catalogue = self.get_object()
        serializer = ScoreInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        spec = catalogue_load(catalogue=catalogue).spec
        try:
            answers = engine.parse_answers(spec, serializer.validated_data["answers"])
        except engine.AnswerError as error:
            return Response(
                {"answers": {code: [message] for code, message in error.errors.items()}},
                status=400,
            )
        result = engine.score(spec, answers)
        data = result.as_dict()
        data["suggestions"] = [s.as_dict() for s in engine.suggest(spec, result)]
        return Response(data)
