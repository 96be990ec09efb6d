"""django-import-export widgets for the values people type in Chinese spreadsheets."""

from decimal import Decimal, InvalidOperation
from typing import Any

from import_export import widgets

YES = {"是", "1", "y", "yes", "true", "t", "对", "√"}
NO = {"否", "0", "n", "no", "false", "f", "×", ""}


def parse_yes_no(value: Any) -> bool | None:
    """True/False for the spellings people use, None for blank; ValueError for anything else."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        value = int(value) if float(value).is_integer() else value
    text = str(value).strip().lower()
    if text == "":
        return None
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(f"“{value}”不是是/否（可填 是/否、1/0、Y/N、true/false）。")


_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－＋，", "0123456789.-+,")


def parse_number(value: Any) -> Decimal | None:
    """A number as people type it: thousands separators, full-width digits, a trailing %;
    None for blank; ValueError for anything else."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("此处应填写数字，不是是/否。")
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        text = str(value).strip().translate(_FULL_WIDTH).replace(",", "").replace("，", "")
        text = text.removesuffix("%").strip()
        if text == "":
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"“{value}”不是数字。") from None
    if not number.is_finite():
        raise ValueError(f"“{value}”不是数字。")
    return number


class YesNoWidget(widgets.Widget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> bool:
        return bool(parse_yes_no(value))

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "是" if value else "否"


class ChoiceLabelWidget(widgets.Widget):
    """Accepts a choice's code or its Chinese label; exports the label."""

    def __init__(self, choices: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.by_text = {str(label): value for value, label in choices}
        self.by_text.update({value: value for value, _ in choices})
        self.labels = {value: str(label) for value, label in choices}

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = str(value or "").strip()
        if text not in self.by_text:
            allowed = "、".join(self.labels.values())
            raise ValueError(f"“{text}”不是有效选项（可填：{allowed}）。")
        return self.by_text[text]

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return self.labels.get(value, value or "")


class TextWidget(widgets.CharWidget):
    """Text with stray spaces trimmed; blank cells become empty strings, not NULL."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        return str(super().clean(value, row, **kwargs) or "").strip()
