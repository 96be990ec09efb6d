"""Answer-sheet imports over the API: upload (checked first), the report, and confirm."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from access.scope import restrict
from catalogues.models import Cycle
from core.api import CodeField
from scoring.services.answer_import import KIND
from scoring.tasks import answers_import_confirm, answers_import_start
from uploads.models import ImportRun
from uploads.spreadsheets import Upload
from uploads.tasks import queue_was_down


class CellErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="sheet row (header is 1); 0 for the whole file")
    column = serializers.CharField(help_text="criterion code, or the column's name")
    name = serializers.CharField(required=False, help_text="the criterion's Chinese name")
    value = serializers.CharField()
    message = serializers.CharField()
    cell = serializers.CharField(required=False)


class ImportRunSerializer(serializers.ModelSerializer):
    cycle = serializers.CharField(source="params.cycle", read_only=True)
    user = serializers.CharField(source="user.username", default=None, read_only=True)
    errors = CellErrorSerializer(many=True, read_only=True)
    notices = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = ImportRun
        fields = [
            "id", "cycle", "user", "file_name", "sha256", "dry_run", "status", "progress",
            "total", "created", "changed", "unchanged", "message", "errors", "notices",
            "created_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    cycle = CodeField(slug_field="code", queryset=Cycle.objects.all())
    dry_run = serializers.BooleanField(
        default=True, help_text="check only (the default); confirm the run to write"
    )


class ImportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Township answer sheets (DESIGN.md): upload → dry-run report → confirm. Big sheets are
    done by a worker: poll `progress` (0–100) and `status`."""

    lookup_value_regex = "[0-9]+"  # an id that is not one is a 404, not a server error

    serializer_class = ImportRunSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    gate_actions = {"create": "answers.import", "confirm": "answers.import"}

    def get_queryset(self) -> Any:
        return restrict(
            ImportRun.objects.filter(kind=KIND).select_related("user"), self.request.user
        )

    @extend_schema(request=ImportUploadSerializer, responses=ImportRunSerializer)
    def create(self, request: Request) -> Response:
        data = ImportUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        run = answers_import_start(
            upload=Upload(upload.name or "upload", upload.read()),
            user=request.user,
            cycle=data.validated_data["cycle"],
            dry_run=data.validated_data["dry_run"],
        )
        run.refresh_from_db()  # a queue that is down has failed it already, with the reason
        return self._started(run)

    def _started(self, run: ImportRun) -> Response:
        if queue_was_down(run):
            return Response(
                {"detail": run.message, **ImportRunSerializer(run).data},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        return Response(ImportRunSerializer(run).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ImportRunSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        """Write a checked upload (all or nothing): a new run on the same file."""
        run = answers_import_confirm(run=self.get_object(), user=request.user)
        run.refresh_from_db()
        return self._started(run)
