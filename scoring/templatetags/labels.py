"""Stars and criteria by the words people use: a code is never shown without its name.

Names are read once per page render (one query for stars, one for criteria), whatever the
number of codes on the page."""

from typing import Any

from django import template

from catalogues.models import Criterion, Star

register = template.Library()
SHORT = 16  # characters of a criterion's text shown beside its code


def _names(context: Any, key: str) -> dict[str, str]:
    cache = context.render_context
    if key not in cache:
        if key == "stars":
            rows = Star.objects.order_by("-catalogue__year").values_list("code", "name")
        else:
            rows = Criterion.objects.order_by("-catalogue__year").values_list("code", "text")
        found: dict[str, str] = {}
        for code, name in rows:
            found.setdefault(code, name)
        cache[key] = found
    return cache[key]


@register.simple_tag(takes_context=True)
def star_label(context: Any, code: str) -> str:
    """'ZB 组织建设星' for 'ZB'."""
    name = _names(context, "stars").get(code, "")
    return f"{code} {name}".strip()


@register.simple_tag(takes_context=True)
def criteria_label(context: Any, codes: list[str]) -> str:
    """'ZB-17 发生重大安全事故…、CY-01 村集体经济…' for ['ZB-17', 'CY-01']."""
    names = _names(context, "criteria")
    shown = []
    for code in codes:
        text = names.get(code, "")
        shown.append(f"{code} {text[:SHORT]}{'…' if len(text) > SHORT else ''}".strip())
    return "、".join(shown)


@register.simple_tag(takes_context=True)
def label_names(context: Any) -> dict[str, dict[str, str]]:
    """Every star's and criterion's name, for scripts that draw them (json_script)."""
    criteria = {
        code: text[:SHORT] + ("…" if len(text) > SHORT else "")
        for code, text in _names(context, "criteria").items()
    }
    return {"stars": _names(context, "stars"), "criteria": criteria}
