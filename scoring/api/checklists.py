"""Checklists over the API: answers nested, transitions as actions, evidence, objections."""

from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from access.rules import may
from access.scope import restrict
from branches.selectors import branch_list
from catalogues.models import Cycle
from core.client import client_address, client_key
from scoring.filters import ChecklistFilter, ObjectionFilter
from scoring.models import Checklist, Objection
from scoring.rules import actions_for
from scoring.selectors import checklist_get, checklist_list
from scoring.services import checklists as checklist_services
from scoring.services import evidence as evidence_services
from scoring.services import publicity, workflow


class CycleSerializer(serializers.ModelSerializer):
    annual = serializers.BooleanField(source="is_annual", read_only=True)

    class Meta:
        model = Cycle
        fields = ["code", "year", "quarter", "annual"]


class CycleViewSet(viewsets.ReadOnlyModelViewSet):
    """Rating cycles: `2026` (annual, awards stars) and `2026Q1`–`2026Q4` (quarterly, ranks)."""

    serializer_class = CycleSerializer
    lookup_field = "code"
    queryset = Cycle.objects.order_by("-year", "quarter")


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, evidence: Any) -> str:
        return reverse("evidence-file", args=[evidence.pk])


class AnswerSerializer(serializers.Serializer):
    criterion = serializers.CharField(source="criterion.code")
    value = serializers.JSONField(allow_null=True)
    return_reason = serializers.CharField()
    evidence = EvidenceSerializer(many=True)


class TransitionSerializer(serializers.Serializer):
    action = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    user = serializers.CharField(source="user.name", allow_null=True, default=None)
    at = serializers.DateTimeField()
    reason = serializers.CharField()
    star = serializers.CharField()
    level = serializers.IntegerField(allow_null=True)


class ChecklistSerializer(serializers.ModelSerializer):
    branch = serializers.CharField(source="branch.village.code", read_only=True)
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    township = serializers.CharField(source="branch.village.township.code", read_only=True)
    cycle = serializers.CharField(source="cycle.code", read_only=True)
    catalogue = serializers.CharField(source="catalogue.code", read_only=True)

    class Meta:
        model = Checklist
        fields = [
            "id", "branch", "branch_name", "township", "cycle", "catalogue", "state", "level",
            "revision", "submitted_at", "scored_at",
        ]  # fmt: skip


class ChecklistDetailSerializer(ChecklistSerializer):
    answers = AnswerSerializer(many=True, read_only=True)
    transitions = TransitionSerializer(many=True, read_only=True)
    result = serializers.JSONField(read_only=True)
    actions = serializers.SerializerMethodField()

    class Meta(ChecklistSerializer.Meta):
        fields = [*ChecklistSerializer.Meta.fields, "result", "answers", "transitions", "actions"]

    def get_actions(self, checklist: Checklist) -> list[str]:
        """What the caller may do now."""
        return sorted(actions_for(self.context["request"].user, checklist))


class ChecklistOpenSerializer(serializers.Serializer):
    branch = serializers.CharField(help_text="the village's 12-digit code")
    cycle = serializers.CharField(help_text="`2026` or `2026Q1`–`2026Q4`")


class AnswersInputSerializer(serializers.Serializer):
    answers = serializers.DictField(child=serializers.JSONField(allow_null=True))
    # Required: a save without it would silently win over answers saved since the client read.
    revision = serializers.IntegerField(
        min_value=0,
        help_text="the revision you read (GET); a 409 if someone saved since",
        error_messages={
            "required": "请带上读取清单时的 revision（版本号），以免覆盖他人较新的修改。"
        },
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReturnSerializer(ReasonSerializer):
    reasons = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        default=dict,
        help_text="criterion code → reason",
    )


class PublishSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=30, default=publicity.DEFAULT_DAYS)


class RevokeSerializer(serializers.Serializer):
    star = serializers.CharField()
    reason = serializers.CharField()


class ObjectionSerializer(serializers.ModelSerializer):
    """An objection with who filed it: for the county staff who rule on it."""

    class Meta:
        model = Objection
        fields = ["id", "checklist", "name", "contact", "text", "filed_at", "status", "ruling"]
        read_only_fields = ["id", "checklist", "filed_at", "status", "ruling"]


class ObjectionTextSerializer(serializers.ModelSerializer):
    """An objection without who filed it: what the branch and its township may read."""

    class Meta:
        model = Objection
        fields = ["id", "checklist", "text", "filed_at", "status", "ruling"]
        read_only_fields = fields


class EvidenceUploadSerializer(serializers.Serializer):
    criterion = serializers.CharField()
    file = serializers.FileField()


class ChecklistViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Checklists (创星清单) the caller may see. Answers are nested; each workflow step is an
    action (`POST …/{id}/submit/` etc.). A step someone else took first is a 409."""

    lookup_value_regex = "[0-9]+"  # an id that is not one is a 404, not a server error

    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_class = ChecklistFilter
    gate_actions = {
        "create": "checklist.open", "partial_update": "edit", "submit": "submit",
        "return_": "return", "pass_": "pass", "approve": "approve", "reopen": "reopen",
        "publish": "publish", "object_": "objection.file", "award": "award", "revoke": "revoke",
        "evidence": "edit",
    }  # fmt: skip

    def get_queryset(self) -> Any:
        return checklist_list(user=self.request.user)

    def get_object(self) -> Checklist:
        return checklist_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_serializer_class(self) -> Any:
        return ChecklistSerializer if self.action == "list" else ChecklistDetailSerializer

    def _detail(self, checklist: Checklist, code: int = status.HTTP_200_OK) -> Response:
        fresh = checklist_get(user=self.request.user, pk=checklist.pk)
        serializer = ChecklistDetailSerializer(fresh, context=self.get_serializer_context())
        return Response(serializer.data, status=code)

    @extend_schema(request=ChecklistOpenSerializer, responses=ChecklistDetailSerializer)
    def create(self, request: Request) -> Response:
        """Open (or fetch) the checklist of a branch for a cycle."""
        data = _valid(ChecklistOpenSerializer, request)
        branch = get_object_or_404(branch_list(user=request.user), village__code=data["branch"])
        cycle = Cycle.objects.filter(code=data["cycle"]).first()
        if cycle is None:
            raise serializers.ValidationError({"cycle": ["没有这个评定周期，请县委组织部先开设。"]})
        checklist = checklist_services.checklist_open(branch=branch, cycle=cycle, user=request.user)
        return self._detail(checklist, status.HTTP_201_CREATED)

    @extend_schema(request=AnswersInputSerializer, responses=ChecklistDetailSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Save answers (some or all) and rescore."""
        checklist = self.get_object()  # 404 before anything is said about the input
        data = _valid(AnswersInputSerializer, request)
        checklist_services.answers_save(
            checklist=checklist,
            user=request.user,
            answers=data["answers"],
            revision=data["revision"],
        )
        return self._detail(checklist)

    @extend_schema(request=None, responses=ChecklistDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        checklist = workflow.checklist_submit(checklist=self.get_object(), user=request.user)
        return self._detail(checklist)

    @extend_schema(request=ReturnSerializer, responses=ChecklistDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        checklist = self.get_object()
        data = _valid(ReturnSerializer, request)
        checklist = workflow.checklist_return(
            checklist=checklist,
            user=request.user,
            reason=data["reason"],
            reasons=data["reasons"],
        )
        return self._detail(checklist)

    @extend_schema(request=ReasonSerializer, responses=ChecklistDetailSerializer)
    @action(detail=True, methods=["post"], url_path="pass")
    def pass_(self, request: Request, pk: str | None = None) -> Response:
        checklist = self.get_object()
        data = _valid(ReasonSerializer, request)
        checklist = workflow.checklist_pass(
            checklist=checklist, user=request.user, reason=data["reason"]
        )
        return self._detail(checklist)

    @extend_schema(request=ReasonSerializer, responses=ChecklistDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        checklist = self.get_object()
        data = _valid(ReasonSerializer, request)
        checklist = workflow.checklist_approve(
            checklist=checklist, user=request.user, reason=data["reason"]
        )
        return self._detail(checklist)

    @extend_schema(request=ReasonSerializer, responses=ChecklistDetailSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        checklist = self.get_object()
        data = _valid(ReasonSerializer, request)
        checklist = workflow.checklist_reopen(
            checklist=checklist, user=request.user, reason=data["reason"]
        )
        return self._detail(checklist)

    @extend_schema(request=PublishSerializer, responses=ChecklistDetailSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        """Open publicity (公示) for this rating; `days` defaults to 5."""
        checklist = self.get_object()
        data = _valid(PublishSerializer, request)
        publicity.publicity_open(checklists=[checklist], user=request.user, days=data["days"])
        return self._detail(checklist)

    @extend_schema(request=ObjectionSerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"], url_path="object")
    def object_(self, request: Request, pk: str | None = None) -> Response:
        """Record an objection (异议) to a rating under publicity, e.g. one received by phone.
        The public files theirs on the county's public page."""
        checklist = self.get_object()
        if not may(request.user, "objection.file", checklist):
            raise PermissionDenied("只有县委组织部可以代为登记异议；群众请在公示页面提交。")
        data = _valid(ObjectionSerializer, request)
        objection = publicity.objection_file(
            checklist=checklist, client=client_key(client_address(request)), **data
        )
        return Response(ObjectionSerializer(objection).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ChecklistDetailSerializer)
    @action(detail=True, methods=["post"])
    def award(self, request: Request, pk: str | None = None) -> Response:
        """Award now (授星): the publicity period must have ended with no open objection."""
        checklist = self.get_object()
        publicity.checklist_award(checklist=checklist, user=request.user)
        return self._detail(checklist)

    @extend_schema(request=RevokeSerializer, responses=ChecklistDetailSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        """Revoke an awarded star (摘星) with the reason."""
        checklist = self.get_object()
        data = _valid(RevokeSerializer, request)
        publicity.star_revoke(
            checklist=checklist, user=request.user, star=data["star"], reason=data["reason"]
        )
        return self._detail(checklist)

    @extend_schema(request=EvidenceUploadSerializer, responses=EvidenceSerializer)
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def evidence(self, request: Request, pk: str | None = None) -> Response:
        """Attach a photo (JPG, PNG) or PDF to one criterion's answer."""
        checklist = self.get_object()
        data = _valid(EvidenceUploadSerializer, request)
        evidence = evidence_services.evidence_add(
            checklist=checklist,
            criterion_code=data["criterion"],
            upload=data["file"],
            user=request.user,
        )
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


class RulingSerializer(serializers.Serializer):
    upheld = serializers.BooleanField()
    ruling = serializers.CharField()


class ObjectionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Objections to ratings under publicity, for the county to rule on."""

    lookup_value_regex = "[0-9]+"  # an id that is not one is a 404, not a server error

    serializer_class = ObjectionSerializer
    gate_actions = {"rule": "uphold"}

    def get_serializer_class(self) -> Any:
        if may(self.request.user, "objection.see_objector"):
            return ObjectionSerializer
        return ObjectionTextSerializer

    filterset_class = ObjectionFilter

    def get_queryset(self) -> Any:
        return restrict(Objection.objects.all(), self.request.user)

    @extend_schema(request=RulingSerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def rule(self, request: Request, pk: str | None = None) -> Response:
        """Rule on an objection: upheld sends the rating back to township review."""
        objection = get_object_or_404(self.get_queryset(), pk=pk)
        data = _valid(RulingSerializer, request)
        objection = publicity.objection_rule(
            objection=objection, user=request.user, upheld=data["upheld"], ruling=data["ruling"]
        )
        return Response(ObjectionSerializer(objection).data)


def _valid(serializer_class: Any, request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
