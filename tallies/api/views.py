"""Tallies over the API: start one (or join the live one), then poll its progress and result."""

from typing import Any

from django.db.models import F, Prefetch, Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from access.rules import may
from access.scope import restrict
from catalogues.models import Cycle
from core.api import CodeField
from tallies.models import TallyRun, TallySnapshot
from tallies.tasks import tally_start
from villages.models import City, County, Province


class TallyRunSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county.code", read_only=True, allow_null=True)
    city = serializers.CharField(source="city.code", read_only=True, allow_null=True)
    province = serializers.CharField(source="province.code", read_only=True, allow_null=True)
    cycle = serializers.CharField(source="cycle.code", read_only=True)
    result = serializers.SerializerMethodField()

    class Meta:
        model = TallyRun
        fields = [
            "id", "province", "city", "county", "cycle", "status", "progress", "parts_total",
            "parts_done", "error", "created_at", "finished_at", "result",
        ]  # fmt: skip
        read_only_fields = fields

    def get_result(self, run: TallyRun) -> dict[str, Any] | None:
        """The run's own snapshot when it is done (the document its place's dashboard reads;
        a city's or province's run also refreshed the snapshots of the places below)."""
        if run.status != TallyRun.Status.DONE:
            return None
        own = [s for s in run.own_snapshots if s.place_filter == run.place_filter]
        return own[0].data if own else None


class TallyStartSerializer(serializers.Serializer):
    county = serializers.CharField(
        required=False, help_text="the 12-digit code of a county (or give city or province)"
    )
    city = serializers.CharField(required=False, help_text="a city's 12-digit code")
    province = serializers.CharField(required=False, help_text="a province's 12-digit code")
    cycle = CodeField(slug_field="code", queryset=Cycle.objects.all())


class TallyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Tallies of a county, city or province (run by Celery per township, gathered into
    snapshots). POST starts one or joins the live run for that place and cycle (200 when
    joined, 201 when started)."""

    lookup_value_regex = "[0-9]+"  # an id that is not one is a 404, not a server error
    gate_actions = {"create": "tally.start"}

    serializer_class = TallyRunSerializer

    def get_queryset(self) -> Any:
        """County staff only: a tally holds every township's and branch's figures (township
        staff read their own township on the dashboard)."""
        user = self.request.user
        if not may(user, "tally.list"):
            return TallyRun.objects.none()
        own = TallySnapshot.objects.filter(
            Q(county_id=F("run__county_id"))
            | Q(city_id=F("run__city_id"))
            | Q(province_id=F("run__province_id"))
        )
        runs = TallyRun.objects.select_related("province", "city", "county", "cycle")
        runs = runs.prefetch_related(Prefetch("snapshots", own, to_attr="own_snapshots"))
        return restrict(runs, user).order_by("-pk")

    @extend_schema(request=TallyStartSerializer, responses=TallyRunSerializer)
    def create(self, request: Request) -> Response:
        data = TallyStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user
        if not may(user, "tally.start"):
            raise PermissionDenied("只有县、市、省委组织部可以发起统计。")
        given = [f for f in ("county", "city", "province") if data.validated_data.get(f)]
        if len(given) != 1:
            raise ValidationError({"county": ["请给出县、市、省之一的区划代码。"]})
        model = {"county": County, "city": City, "province": Province}[given[0]]
        place = get_object_or_404(
            restrict(model.objects.all(), user), code=data.validated_data[given[0]]
        )
        if not may(user, "tally.start", place):  # a county may read its city's name, no more
            raise PermissionDenied("只能统计本级或所辖的地区。")
        run, started = tally_start(place=place, cycle=data.validated_data["cycle"], user=user)
        run = self.get_queryset().get(pk=run.pk)
        if run.status == TallyRun.Status.FAILED:  # the queue is down: say so, nothing started
            return Response({"detail": run.error}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        code = status.HTTP_201_CREATED if started else status.HTTP_200_OK
        return Response(TallyRunSerializer(run).data, status=code)
