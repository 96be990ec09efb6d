"""Catalogue criteria as a spreadsheet, keyed by catalogue code and criterion code."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, widgets

from catalogues.choices import CriterionKind, Direction
from catalogues.models import Catalogue, Criterion, Star
from catalogues.validators import catalogue_ensure_editable
from uploads.widgets import ChoiceLabelWidget, TextWidget, YesNoWidget
from villages.resources import CodeKeyedResource


class StarCodeWidget(widgets.Widget):
    """The star by its code, within the row's catalogue (looked up once per catalogue)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._stars: dict[str, dict[str, Star]] = {}

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Star:
        code = str(value or "").strip()
        catalogue_code = str(row.get("标准编码") or "").strip()
        if catalogue_code not in self._stars:
            self._stars[catalogue_code] = {
                s.code: s for s in Star.objects.filter(catalogue__code=catalogue_code)
            }
        star = self._stars[catalogue_code].get(code)
        if star is None:
            raise ValueError(
                _("标准“%(catalogue)s”中没有编码为“%(code)s”的星。")
                % {"catalogue": catalogue_code, "code": code}
            )
        return star

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.code if value else ""


class OptionalDecimalWidget(widgets.DecimalWidget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        if isinstance(value, str):
            value = value.replace(",", "").strip()
        return super().clean(value, row, **kwargs)


class CriterionResource(CodeKeyedResource):
    catalogue = fields.Field(
        attribute="catalogue",
        column_name="标准编码",
        widget=widgets.ForeignKeyWidget(Catalogue, field="code"),
    )
    code = fields.Field(attribute="code", column_name="编码", widget=TextWidget())
    star = fields.Field(attribute="star", column_name="星", widget=StarCodeWidget())
    text = fields.Field(attribute="text", column_name="内容", widget=TextWidget())
    kind = fields.Field(
        attribute="kind", column_name="类型", widget=ChoiceLabelWidget(CriterionKind.choices)
    )
    points = fields.Field(attribute="points", column_name="分值", widget=OptionalDecimalWidget())
    threshold = fields.Field(
        attribute="threshold", column_name="阈值", widget=OptionalDecimalWidget()
    )
    direction = fields.Field(
        attribute="direction",
        column_name="方向",
        widget=ChoiceLabelWidget([("", ""), *list(Direction.choices)]),
    )
    hard = fields.Field(attribute="hard", column_name="硬指标", widget=YesNoWidget())
    veto = fields.Field(attribute="veto", column_name="一票否决", widget=YesNoWidget())

    class Meta(CodeKeyedResource.Meta):
        model = Criterion
        import_id_fields = ("catalogue", "code")
        fields = (
            "catalogue", "code", "star", "text", "kind", "points", "threshold", "direction",
            "hard", "veto",
        )  # fmt: skip
        name = "评定指标"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._next_order = 0
        self._catalogues: dict[str, Catalogue | None] = {}

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("catalogue", "star")

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        code = str(row.get("标准编码") or "").strip()
        if code not in self._catalogues:
            self._catalogues[code] = Catalogue.objects.filter(code=code).first()
        catalogue = self._catalogues[code]
        if catalogue is None:
            raise ValidationError({"catalogue": _("没有编码为“%(code)s”的标准。") % {"code": code}})
        try:
            catalogue_ensure_editable(catalogue=catalogue)
        except ValidationError as exc:
            raise ValidationError({"catalogue": exc.messages}) from exc

    def import_instance(self, instance: Criterion, row: Any, **kwargs: Any) -> None:
        super().import_instance(instance, row, **kwargs)
        self._next_order += 1
        if instance.pk is None:
            instance.order = self._next_order
