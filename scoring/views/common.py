"""What the scoring pages share: turning service errors into messages on the page."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Branch
from branches.selectors import branch_list
from catalogues.selectors import deadline_of
from scoring.choices import EDITABLE_STATES


def notice_contact_warned(request: HttpRequest) -> None:
    """After putting ratings before the public: say so when the notice lacks the county's phone
    or address (the ratings page and a checklist's page both publish)."""
    county = getattr(request.user, "county", None)
    if county is not None and county.notice_incomplete:
        messages.warning(
            request,
            _("公示通知上还没有监督电话或来信来访地址，请在“公示通知与联系方式”中填写。"),
        )


def deadline_note(*, county_id: int, cycle: Any, state: str | None) -> dict[str, Any] | None:
    """Days left to the submission deadline (or days overdue), for a checklist not yet handed
    in; None once it is, or where no deadline is set."""
    due = deadline_of(county_id=county_id, cycle=cycle)
    if due is None or (state is not None and state not in EDITABLE_STATES):
        return None
    days = (due - timezone.localdate()).days
    return {"cycle": cycle, "due": due, "days": days, "over": -days}


def previous_summary(trend: list[dict[str, Any]], cycle: Any) -> dict[str, Any]:
    """The headline summary of the cycle before `cycle` in a trend, empty when there is none."""
    codes = [t["cycle"] for t in trend]
    if cycle is None or cycle.code not in codes or codes.index(cycle.code) == 0:
        return {}
    return trend[codes.index(cycle.code) - 1]


def change_words(share: float, previous: dict[str, Any] | None) -> list[str]:
    """How a share at three stars or more moved since the previous cycle, for a bulletin."""
    if previous is None:
        return []
    change = round(share - previous["share"], 1)
    if change > 0:
        return [_("较上期提高%(n)s个百分点") % {"n": change}]
    if change < 0:
        return [_("较上期下降%(n)s个百分点") % {"n": -change}]
    return [_("与上期持平")]


def write_for_branch(request: HttpRequest, form: Any, write: Callable[[Branch], Any]) -> bool:
    """Run `write` for the branch whose village code the form's `place_code` names, if the user
    may see it; a refusal is shown on the form, against the field it names. True if it ran."""
    code = form.cleaned_data["place_code"].strip()
    branch = branch_list(user=request.user).filter(village__code=code).first()
    if branch is None:
        form.add_error("place_code", _("没有这个村(社区)代码，或不在您管辖的范围内。"))
        return False
    try:
        write(branch)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            form.add_error(None, error.messages)
            return False
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
        return False
    return True
