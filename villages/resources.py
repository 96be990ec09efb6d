"""Register import/export (django-import-export), keyed by division codes, scoped to the user."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.results import RowResult

from access.scope import restrict
from audit.choices import AuditAction
from audit.services import audit_entry, audit_many, changed, place_of
from uploads.widgets import ChoiceLabelWidget, TextWidget
from villages.choices import VillageKind
from villages.codes import Level, normalise, validate_code
from villages.models import County, Township, Village


class CodeWidget(widgets.CharWidget):
    """Division codes typed into Excel often come back as numbers (411423101000.0)."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        return normalise(value)


def validate_without_constraint_queries(instance: Any, errors: Any = None) -> None:
    """full_clean() minus Django's one-query-per-CheckConstraint validation: the database
    still enforces every constraint, and each model's clean() explains them in Chinese first.
    That query per constraint per row made imports several times slower."""
    errors = dict(errors or {})
    try:
        instance.full_clean(exclude=list(errors), validate_constraints=False)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


_WRITTEN = {RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE}


class CodeKeyedResource(resources.ModelResource):
    """What every import of ours shares: model clean() without the per-constraint queries,
    unchanged rows skipped and reported, and a transaction around the whole import."""

    def validate_instance(
        self, instance: Any, import_validation_errors: Any = None, validate_unique: bool = True
    ) -> None:
        validate_without_constraint_queries(instance, import_validation_errors)

    def after_import_row(self, row: Any, row_result: Any, **kwargs: Any) -> None:
        """Each written row becomes an audit entry, its columns as they read in the sheet."""
        if kwargs.get("dry_run") or row_result.import_type not in _WRITTEN:
            return
        instance = row_result.instance
        before = self._picture(row_result.original) if row_result.original is not None else {}
        before, after = changed(before, self._picture(instance))
        if not after:
            return
        if not hasattr(self, "_audit_entries"):
            self._audit_entries: list[Any] = []
        self._audit_entries.append(
            audit_entry(
                user=getattr(self, "user", None),
                action=AuditAction.REGISTER_IMPORT,
                target=f"{instance._meta.verbose_name}：{instance}",
                place=place_of(instance),
                before=before,
                after=after,
            )
        )

    def after_import(self, dataset: Any, result: Any, **kwargs: Any) -> None:
        super().after_import(dataset, result, **kwargs)
        if not kwargs.get("dry_run"):
            audit_many(getattr(self, "_audit_entries", []))
        self._audit_entries = []

    def _picture(self, obj: Any) -> dict[str, Any]:
        return {f.column_name: f.export(obj) for f in self.get_import_fields()}

    class Meta:
        store_instance = True  # the written instance, for its audit entry
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True


class ScopedResource(CodeKeyedResource):
    """A resource that reads, exports and updates only what its user may see.

    Rows for codes that exist outside the user's scope are refused by name, not treated as
    new rows (which would end in a confusing uniqueness error).
    """

    def __init__(self, *, user: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.user = user

    def get_queryset(self) -> Any:
        return restrict(super().get_queryset(), self.user)

    class Meta(CodeKeyedResource.Meta):
        pass


class _PlaceResource(ScopedResource):
    """Places of one level under parents of the level above, parent found from the code."""

    level: Level
    parent_model: type[County] | type[Township]
    parent_attribute: str

    code = fields.Field(attribute="code", column_name="区划代码", widget=CodeWidget())
    name = fields.Field(attribute="name", column_name="名称", widget=TextWidget())

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        visible = restrict(self.parent_model.objects.all(), self.user)
        self._parents = {p.code: p for p in visible}

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        code = normalise(row.get("区划代码"))
        row["区划代码"] = code
        try:
            validate_code(code, level=self.level)
        except ValidationError as exc:
            raise ValidationError({"code": exc.messages}) from exc
        model = self._meta.model
        if (
            model.objects.filter(code=code).exists()
            and not self.get_queryset().filter(code=code).exists()
        ):
            raise ValidationError(
                {"code": _("区划代码“%(code)s”不在您的管辖范围内。") % {"code": code}}
            )
        parent_code = code[: {Level.TOWNSHIP: 6, Level.VILLAGE: 9}[self.level]].ljust(12, "0")
        if parent_code not in self._parents:
            if self.parent_model.objects.filter(code=parent_code).exists():
                message = _("上级“%(parent)s”不在您的管辖范围内。")
            else:
                message = _("上级区划“%(parent)s”不存在，请先导入上级。")
            raise ValidationError({"code": message % {"parent": parent_code}})
        self._row_parent = self._parents[parent_code]

    def import_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        setattr(instance, self.parent_attribute, self._row_parent)
        super().import_instance(instance, row, **kwargs)


class TownshipResource(_PlaceResource):
    level = Level.TOWNSHIP
    parent_model = County
    parent_attribute = "county"

    county = fields.Field(attribute="county__name", column_name="所属县", readonly=True)
    party_secretary = fields.Field(
        attribute="party_secretary", column_name="党委书记", widget=TextWidget()
    )

    class Meta(ScopedResource.Meta):
        model = Township
        fields = ("code", "name", "county", "party_secretary")
        import_id_fields = ("code",)
        name = "乡镇(街道)名录"


class VillageResource(_PlaceResource):
    level = Level.VILLAGE
    parent_model = Township
    parent_attribute = "township"

    kind = fields.Field(
        attribute="kind", column_name="类型", widget=ChoiceLabelWidget(VillageKind.choices)
    )
    township = fields.Field(attribute="township__name", column_name="所属乡镇", readonly=True)

    class Meta(ScopedResource.Meta):
        model = Village
        fields = ("code", "name", "kind", "township")
        import_id_fields = ("code",)
        name = "村(社区)名录"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("township")
