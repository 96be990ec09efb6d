"""Rectification tasks over the API. They are made from a checklist's shortfall list, which is
why they are served here rather than by the branches app that stores them."""

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from access.scope import restrict
from branches.models import Rectification
from branches.services import rectification_step
from scoring.models import Checklist
from scoring.services.checklists import rectifications_from_shortfall


class RectificationSerializer(serializers.ModelSerializer):
    branch = serializers.CharField(source="branch.village.code", read_only=True)
    has_evidence = serializers.SerializerMethodField()

    class Meta:
        model = Rectification
        fields = [
            "id", "branch", "cycle", "star", "criterion", "title", "owner", "deadline", "status",
            "note", "has_evidence", "created_at", "done_at", "verified_at", "closed_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_has_evidence(self, task: Rectification) -> bool:
        return bool(task.evidence)


class RectificationCreateSerializer(serializers.Serializer):
    checklist = serializers.IntegerField()
    criteria = serializers.ListField(child=serializers.CharField(), min_length=1)
    owner = serializers.CharField(max_length=30)
    deadline = serializers.DateField()


class StepSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    evidence = serializers.FileField(required=False)


class RectificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Rectification tasks (整改任务): open → done (secretary) → verified (township) → closed."""

    lookup_value_regex = "[0-9]+"  # an id that is not one is a 404, not a server error

    serializer_class = RectificationSerializer
    filterset_fields = ["status", "cycle"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    gate_actions = {
        "create": "rectify", "done": "rectification.done", "verify": "rectification.verify",
        "reject": "rectification.reject", "close": "rectification.close",
    }  # fmt: skip

    def get_queryset(self) -> Any:
        return restrict(
            Rectification.objects.select_related("branch__village"), self.request.user
        ).order_by("deadline", "pk")

    @extend_schema(
        request=RectificationCreateSerializer, responses=RectificationSerializer(many=True)
    )
    def create(self, request: Request) -> Response:
        """Make tasks from shortfall items of a checklist (township and county staff)."""
        data = RectificationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        checklist = get_object_or_404(
            restrict(
                Checklist.objects.select_related("branch", "cycle", "catalogue"), request.user
            ),
            pk=data.validated_data["checklist"],
        )
        tasks = rectifications_from_shortfall(
            checklist=checklist,
            criteria=data.validated_data["criteria"],
            owner=data.validated_data["owner"],
            deadline=data.validated_data["deadline"],
            user=request.user,
        )
        return Response(RectificationSerializer(tasks, many=True).data, status.HTTP_201_CREATED)

    def _step(self, request: Request, step: str) -> Response:
        task = self.get_object()  # 404 before anything is said about the input
        data = StepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = rectification_step(
            task=task,
            step=step,
            user=request.user,
            note=data.validated_data["note"],
            evidence=data.validated_data.get("evidence"),
        )
        return Response(RectificationSerializer(task).data)

    @extend_schema(request=StepSerializer, responses=RectificationSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request: Request, pk: str | None = None) -> Response:
        """Report the task done, with what was done and evidence."""
        return self._step(request, "done")

    @extend_schema(request=StepSerializer, responses=RectificationSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, "verify")

    @extend_schema(request=StepSerializer, responses=RectificationSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, "reject")

    @extend_schema(request=StepSerializer, responses=RectificationSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, "close")
