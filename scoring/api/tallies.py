"""Tallies over the API: start one (or join the live one), then poll its progress and result."""

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from access.rules import may
from access.scope import restrict
from config.api_errors import CodeField
from scoring.models import Cycle, TallyRun
from scoring.tasks import tally_start
from villages.models import County


class TallyRunSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county.code", read_only=True)
    cycle = serializers.CharField(source="cycle.code", read_only=True)
    result = serializers.SerializerMethodField()

    class Meta:
        model = TallyRun
        fields = [
            "id", "county", "cycle", "status", "progress", "parts_total", "parts_done", "error",
            "created_at", "finished_at", "result",
        ]  # fmt: skip
        read_only_fields = fields

    def get_result(self, run: TallyRun) -> dict[str, Any] | None:
        """The snapshot when the run is done (the same document the dashboard reads)."""
        if run.status != TallyRun.Status.DONE:
            return None
        snapshot = getattr(run, "snapshot", None)  # selected with the run
        return snapshot.data if snapshot else None


class TallyStartSerializer(serializers.Serializer):
    county = serializers.CharField(help_text="the county's 12-digit code")
    cycle = CodeField(slug_field="code", queryset=Cycle.objects.all())


class TallyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """County tallies (run by Celery, per township, gathered into one snapshot). POST starts one
    or joins the live run for that county and cycle (200 when joined, 201 when started)."""

    lookup_value_regex = "[0-9]+"  # an id that is not one is a 404, not a server error

    serializer_class = TallyRunSerializer

    def get_queryset(self) -> Any:
        """County staff only: a tally holds every township's and branch's figures (township
        staff read their own township on the dashboard)."""
        user = self.request.user
        if not may(user, "tally.list"):
            return TallyRun.objects.none()
        runs = TallyRun.objects.select_related("county", "cycle", "snapshot")
        return restrict(runs, user).order_by("-pk")

    @extend_schema(request=TallyStartSerializer, responses=TallyRunSerializer)
    def create(self, request: Request) -> Response:
        data = TallyStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user
        if not may(user, "tally.start"):
            raise PermissionDenied("只有县委组织部可以发起统计。")
        county = get_object_or_404(
            restrict(County.objects.all(), user), code=data.validated_data["county"]
        )
        run, started = tally_start(county=county, cycle=data.validated_data["cycle"], user=user)
        run.refresh_from_db()
        if run.status == TallyRun.Status.FAILED:  # the queue is down: say so, nothing started
            return Response({"detail": run.error}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        code = status.HTTP_201_CREATED if started else status.HTTP_200_OK
        return Response(TallyRunSerializer(run).data, status=code)
