"""The branch register (支部名册) as a spreadsheet: branch, secretary and first secretary."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, widgets

from access.scope import restrict
from branches.models import Branch
from branches.services import secretary_assign
from branches.weak_lax import weak_lax_register_refusal
from uploads.widgets import TextWidget, YesNoWidget
from villages.codes import normalise
from villages.models import Village
from villages.resources import ScopedResource

DATE = widgets.DateWidget(format="%Y-%m-%d")


class VillageCodeWidget(widgets.ForeignKeyWidget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        return super().clean(normalise(value), row, **kwargs)


class BranchResource(ScopedResource):
    village = fields.Field(
        attribute="village",
        column_name="区划代码",
        widget=VillageCodeWidget(Village, field="code"),
    )
    village_name = fields.Field(attribute="village__name", column_name="村(社区)", readonly=True)
    name = fields.Field(attribute="name", column_name="支部名称", widget=TextWidget())
    secretary_name = fields.Field(column_name="书记姓名")
    secretary_phone = fields.Field(column_name="书记手机号")
    members = fields.Field(
        attribute="members", column_name="党员人数", widget=widgets.IntegerWidget()
    )
    weak_lax = fields.Field(attribute="weak_lax", column_name="软弱涣散", widget=YesNoWidget())
    weak_lax_since = fields.Field(attribute="weak_lax_since", column_name="认定日期", widget=DATE)
    weak_lax_reason = fields.Field(
        attribute="weak_lax_reason", column_name="软弱涣散原因", widget=TextWidget()
    )
    first_secretary = fields.Field(
        attribute="first_secretary", column_name="驻村第一书记", widget=TextWidget()
    )
    first_secretary_unit = fields.Field(
        attribute="first_secretary_unit", column_name="派出单位", widget=TextWidget()
    )
    first_secretary_from = fields.Field(
        attribute="first_secretary_from", column_name="任职开始", widget=DATE
    )
    first_secretary_until = fields.Field(
        attribute="first_secretary_until", column_name="任职结束", widget=DATE
    )

    class Meta(ScopedResource.Meta):
        model = Branch
        import_id_fields = ("village",)
        fields = (
            "village", "village_name", "name", "secretary_name", "secretary_phone", "members",
            "weak_lax", "weak_lax_since", "weak_lax_reason", "first_secretary",
            "first_secretary_unit", "first_secretary_from", "first_secretary_until",
        )  # fmt: skip
        name = "党支部名册"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("village", "secretary")

    def validate_instance(
        self, instance: Any, import_validation_errors: Any = None, validate_unique: bool = True
    ) -> None:
        errors = dict(import_validation_errors or {})
        problem = weak_lax_register_refusal(
            user=self.user, branch=instance, listed=bool(instance.weak_lax)
        )
        if problem:
            errors["weak_lax"] = [problem]
        instance.weak_lax_decider = getattr(self.user, "pk", None) and self.user
        super().validate_instance(instance, errors, validate_unique)

    def dehydrate_secretary_name(self, branch: Branch) -> str:
        return branch.secretary.name if branch.secretary else ""

    def dehydrate_secretary_phone(self, branch: Branch) -> str:
        return branch.secretary.phone if branch.secretary else ""

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        code = normalise(row.get("区划代码"))
        row["区划代码"] = code
        if not restrict(Village.objects.filter(code=code), self.user).exists():
            if Village.objects.filter(code=code).exists():
                message = _("区划代码“%(code)s”不在您的管辖范围内。")
            else:
                message = _("区划代码“%(code)s”没有对应的村(社区)，请先导入村(社区)名录。")
            raise ValidationError({"village": message % {"code": code}})

    def skip_row(
        self, instance: Any, original: Any, row: Any, import_validation_errors: Any = None
    ) -> bool:
        if not original or original.pk is None:
            return False
        secretary = original.secretary
        wanted = (str(row.get("书记姓名") or "").strip(), normalise(row.get("书记手机号")))
        current = (secretary.name, secretary.phone) if secretary else ("", "")
        if wanted != current and any(wanted):
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def after_save_instance(self, instance: Branch, row: Any, **kwargs: Any) -> None:
        name = str(row.get("书记姓名") or "").strip()
        phone = normalise(row.get("书记手机号"))
        if not (name or phone):
            return
        if not (name and phone):
            raise ValidationError({"secretary_phone": _("书记姓名和手机号须同时填写。")})
        try:
            secretary_assign(branch=instance, name=name, phone=phone)
        except ValidationError as exc:
            raise ValidationError({"secretary_phone": exc.messages}) from exc


class BranchTargetResource(ScopedResource):
    """Each branch's declared target level (创星目标): 区划代码, 村(社区), 创星目标."""

    village = fields.Field(
        attribute="village", column_name="区划代码", widget=VillageCodeWidget(Village, field="code")
    )
    village_name = fields.Field(attribute="village__name", column_name="村(社区)", readonly=True)
    target_level = fields.Field(
        attribute="target_level", column_name="创星目标", widget=widgets.IntegerWidget()
    )

    class Meta(ScopedResource.Meta):
        model = Branch
        import_id_fields = ("village",)
        fields = ("village", "village_name", "target_level")
        name = "创星目标"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("village")

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        row["区划代码"] = normalise(row.get("区划代码"))

    def init_instance(self, row: Any = None) -> Any:
        raise ValidationError(
            {
                "village": _("区划代码“%(code)s”没有党支部，或不在您的管辖范围内。")
                % {"code": row.get("区划代码")}
            }
        )
