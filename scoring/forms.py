"""Reading the checklist and review pages' posted fields into what the services take."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from catalogues import engine
from scoring.choices import EventKind
from scoring.services.publicity import DEFAULT_DAYS
from uploads.widgets import parse_number


def answers_from_post(
    spec: engine.CatalogueSpec, data: Any
) -> tuple[dict[str, Any], dict[str, str]]:
    """Answers posted as `a-<code>` fields: 是/否 radios ("yes"/"no"/blank) and numbers as
    typed (thousands separators and full-width digits allowed). Returns the raw answers for
    the service and a message per field that could not be read."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for criterion in spec.criteria:
        key = f"a-{criterion.code}"
        if key not in data:
            continue
        text = data.get(key, "").strip()
        if criterion.kind == engine.BOOL:
            answers[criterion.code] = {"yes": True, "no": False}.get(text)
            continue
        try:
            answers[criterion.code] = parse_number(text)
        except ValueError as error:
            errors[criterion.code] = str(error)
    return answers, errors


def reasons_from_post(spec: engine.CatalogueSpec, data: Any) -> dict[str, str]:
    return {
        c.code: data.get(f"r-{c.code}", "").strip()
        for c in spec.criteria
        if data.get(f"r-{c.code}", "").strip()
    }


class PublishForm(forms.Form):
    days = forms.IntegerField(label=_("公示天数"), min_value=1, max_value=30, initial=DEFAULT_DAYS)


class ObjectionForm(forms.Form):
    checklist = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("姓名"), max_length=30)
    contact = forms.CharField(label=_("联系电话"), max_length=30)
    text = forms.CharField(
        label=_("异议内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class VetoEventForm(forms.Form):
    """A veto event as a township clerk or county staff records it (the branch by its code)."""

    place_code = forms.CharField(label=_("村(社区)代码"), max_length=12)
    kind = forms.ChoiceField(label=_("类别"), choices=EventKind.choices)
    criterion = forms.CharField(
        label=_("否决项编码"),
        max_length=12,
        required=False,
        help_text=_("仅“其他否决事项”填写，如 ZB-18"),
    )
    happened_on = forms.DateField(
        label=_("发生日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    place = forms.CharField(label=_("发生地点"), max_length=100)
    description = forms.CharField(label=_("简要情况"), max_length=300)
    evidence = forms.FileField(label=_("佐证材料（照片或PDF）"), required=False)


class AdjustmentForm(forms.Form):
    """A reward or penalty item as a township clerk records it."""

    place_code = forms.CharField(label=_("村(社区)代码"), max_length=12)
    kind = forms.CharField(label=_("加减分项目"), max_length=12)
    star = forms.CharField(
        label=_("计入的星"), max_length=4, required=False, help_text=_("项目已限定星的可不填")
    )
    reason = forms.CharField(label=_("事由"), max_length=300)
    evidence = forms.FileField(label=_("佐证材料（照片或PDF）"), required=False)
