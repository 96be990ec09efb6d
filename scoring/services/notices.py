"""What the rating workflow tells people (notifications.tasks.notify does the telling): the
secretary hears of every step of their checklist, the township of returns and revocations, the
county of objections; reminders of deadlines, rectification and publicity come from the beat.

Every note names one branch and goes only to people who work at its place or above it (the
notifications service drops anyone else), so nobody is told of another place's branch."""

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.gate import gated
from accounts.choices import Role
from branches.choices import RectificationStatus
from branches.models import Branch, Rectification
from catalogues.models import Cycle, Deadline
from notifications.choices import Kind
from notifications.models import Notification
from notifications.services import Note, notify, notify_now
from scoring.choices import EDITABLE_STATES, Action
from scoring.models import Answer, Checklist, Objection, Publicity
from villages.models import Township

# A step of the workflow → (kind, title, whether the township hears of it too); the county's
# staff hear of the steps in _COUNTY_HEARS, which ask them to decide again.
_COUNTY_HEARS = {Action.RECHECK}
_STEPS = {
    Action.RECHECK: (Kind.RECHECK, gettext_lazy("否决事项变更，退回县级审定"), True),
    Action.RETURN: (Kind.RETURNED, gettext_lazy("清单被退回修改"), False),
    Action.PASS: (Kind.PASSED, gettext_lazy("乡镇初审通过"), False),
    Action.APPROVE: (Kind.APPROVED, gettext_lazy("县级审定通过"), False),
    Action.PUBLISH: (Kind.PUBLICITY_OPENED, gettext_lazy("评定结果开始公示"), False),
    Action.UPHOLD: (Kind.RULING, gettext_lazy("异议成立，退回乡镇复审"), True),
    Action.AWARD: (Kind.AWARDED, gettext_lazy("已授星"), False),
    Action.REVOKE: (Kind.REVOKED, gettext_lazy("被摘星"), True),
    Action.REOPEN: (Kind.RETURNED, gettext_lazy("县委组织部重新打开了清单"), True),
}


def _who(branch: Branch) -> str:
    return f"{branch.village.name}（{branch.village.code}）"


def tell_transition(
    *, checklist: Checklist, action: str, reason: str, star: str, level: int | None, serial: int
) -> None:
    """A step of a checklist, told to its branch's secretary (and township where it matters).
    `serial` tells steps apart (the checklist's revision), so each step is its own event."""
    if action not in _STEPS:
        return
    kind, lazy_title, township = _STEPS[Action(action)]
    title = str(lazy_title)
    branch = checklist.branch
    body = _("%(who)s %(cycle)s：%(title)s。") % {
        "who": _who(branch),
        "cycle": checklist.cycle.code,
        "title": title,
    }
    if action == Action.RETURN:
        body += _returned_items(checklist)
    if action in (Action.AWARD, Action.REVOKE) and level is not None:
        body += _("现为%(level)s星。") % {"level": level}
    if reason and action != Action.AWARD:  # an award's reason only repeats the level
        body += _("说明：%(reason)s") % {"reason": reason}
    notify(
        Note(
            kind=kind,
            key=f"checklist:{checklist.pk}:{action}:{serial}",
            title=f"{title}：{branch.village.name}",
            body=body,
            link=reverse("checklist", args=[checklist.pk]),
            place=branch.village,
            users=(branch.secretary_id,) if branch.secretary_id else (),
            staff=(((Role.TOWNSHIP, branch.village.township_id),) if township else ())
            + (
                ((Role.COUNTY, branch.village.township.county_id),)
                if action in _COUNTY_HEARS
                else ()
            ),
        )
    )


def _returned_items(checklist: Checklist) -> str:
    items = Answer.objects.filter(checklist=checklist).exclude(return_reason="")
    lines = [
        f"{code}：{why}" for code, why in items.values_list("criterion__code", "return_reason")
    ]
    return ("退回意见：" + "；".join(lines) + "。") if lines else ""


def tell_objection(objection: Objection) -> None:
    """An objection filed by the public: the county's staff hear of it (never its author)."""
    checklist = objection.checklist
    branch = Branch.objects.select_related("village__township").get(pk=checklist.branch_id)
    notify(
        Note(
            kind=Kind.OBJECTION,
            key=f"objection:{objection.pk}",
            title=_("收到异议：%(name)s") % {"name": branch.village.name},
            body=_("%(who)s的公示收到一条异议，请在公示期内处理。") % {"who": _who(branch)},
            link=reverse("ratings") + "?state=publicity",
            place=branch.village,
            staff=((Role.COUNTY, branch.village.township.county_id),),
        )
    )


def tell_ruling(objection: Objection) -> None:
    """A dismissed objection: the branch hears the ruling (an upheld one is a workflow step)."""
    checklist = objection.checklist
    branch = Branch.objects.select_related("village").get(pk=checklist.branch_id)
    notify(
        Note(
            kind=Kind.RULING,
            key=f"ruling:{objection.pk}",
            title=_("异议处理结果：%(name)s") % {"name": branch.village.name},
            body=_("针对%(who)s的异议经核实不成立：%(ruling)s")
            % {"who": _who(branch), "ruling": objection.ruling},
            link=reverse("checklist", args=[checklist.pk]),
            place=branch.village,
            users=(branch.secretary_id,) if branch.secretary_id else (),
        )
    )


def reminders_due(today: date | None = None) -> int:
    """The day's reminders, each told once however often the beat runs: the submission
    deadline in 3 and in 1 days (to branches not yet submitted), rectification due in 3 days and
    overdue, publicity ending within a day (to the county). Returns deliveries queued."""
    today = today or timezone.localdate()
    notes = [*_deadline_notes(today), *_rectification_notes(today), *_publicity_notes()]
    return notify_now(notes)


def _deadline_notes(today: date) -> Iterable[Note]:
    for days in (3, 1):
        for deadline in Deadline.objects.filter(due=today + timedelta(days=days)).select_related(
            "cycle"
        ):
            yield from _unsubmitted_notes(
                deadline.cycle,
                Q(village__township__county_id=deadline.county_id),
                key=f"deadline:{deadline.cycle.code}:{deadline.due}:{days}",
                kind=Kind.DEADLINE,
                title=_("填报截止还有%(days)s天") % {"days": days},
                body=_("%(cycle)s创星清单填报截止日为%(due)s，请尽快填报并提交。")
                % {"cycle": deadline.cycle.code, "due": deadline.due.isoformat()},
            )


def _unsubmitted_notes(
    cycle: Cycle, where: Q, *, key: str, kind: str, title: str, body: str
) -> Iterable[Note]:
    """One note per branch (to its secretary) that has not handed in its checklist of `cycle`."""
    handed_in = Checklist.objects.filter(cycle=cycle).exclude(state__in=EDITABLE_STATES)
    branches = (
        Branch.objects.filter(where, secretary__isnull=False)
        .exclude(pk__in=handed_in.values("branch_id"))
        .select_related("village")
    )
    for branch in branches:
        yield Note(
            kind=kind,
            key=f"{key}:{branch.pk}",
            title=title,
            body=f"{_who(branch)}：{body}",
            link=reverse("branch", args=[branch.village.code]),
            place=branch.village,
            users=(branch.secretary_id,) if branch.secretary_id else (),
        )


def _rectification_notes(today: date) -> Iterable[Note]:
    tasks = Rectification.objects.filter(
        status__in=[RectificationStatus.OPEN, RectificationStatus.DONE],
        deadline__in=[today + timedelta(days=3), today - timedelta(days=1)],
    ).select_related("branch__village")
    for task in tasks:
        overdue = task.deadline < today
        branch = task.branch
        yield Note(
            kind=Kind.RECTIFICATION_OVERDUE if overdue else Kind.RECTIFICATION_DUE,
            key=f"rectification:{task.pk}:{'overdue' if overdue else 'due'}:{task.deadline}",
            title=(_("整改已逾期") if overdue else _("整改3天后到期")) + f"：{task.criterion}",
            body=_("%(who)s的整改任务“%(title)s”完成时限为%(deadline)s。")
            % {"who": _who(branch), "title": task.title, "deadline": task.deadline.isoformat()},
            link=reverse("branch", args=[branch.village.code]),
            place=branch.village,
            users=(branch.secretary_id,) if branch.secretary_id else (),
            staff=((Role.TOWNSHIP, branch.village.township_id),),
        )


def _publicity_notes() -> Iterable[Note]:
    now = timezone.now()
    ending = Publicity.objects.filter(
        ends_at__gt=now, ends_at__lte=now + timedelta(days=1)
    ).select_related("county", "cycle")
    for publicity in ending:
        yield Note(
            kind=Kind.PUBLICITY_ENDING,
            key=f"publicity:{publicity.pk}:ending",
            title=_("公示即将结束"),
            body=_("%(county)s%(cycle)s的公示将于%(end)s结束；处理完异议后即可授星。")
            % {
                "county": publicity.county.name,
                "cycle": publicity.cycle.code,
                "end": timezone.localtime(publicity.ends_at).strftime("%Y-%m-%d %H:%M"),
            },
            link=reverse("ratings") + "?state=publicity",
            place=publicity.county,
            staff=((Role.COUNTY, publicity.county_id),),
        )


@gated("reminders.send", refused=gettext_lazy("只有乡镇(街道)和县委组织部可以一键催报。"))
def remind_unsubmitted(*, user: Any, cycle: Cycle) -> int:
    """A township clerk (or the county's staff, for the whole county) reminds every branch that
    has not handed in its checklist of `cycle`, at most once in WUXING_REMIND_HOURS. The notes
    are recorded in this request and delivered by the workers. Returns how many branches."""
    place = user.place
    where = (
        Q(village__township=place)
        if isinstance(place, Township)
        else Q(village__township__county=place)
    )
    hours = settings.WUXING_REMIND_HOURS
    since = timezone.now() - timedelta(hours=hours)
    prefix = f"remind:{place.code}:{cycle.code}:"
    if Notification.objects.filter(key__startswith=prefix, created_at__gte=since).exists():
        raise ValidationError(_("%(hours)s小时内已经催报过一次，请稍后再催。") % {"hours": hours})
    stamp = timezone.now().strftime("%Y%m%d%H%M")
    notes = list(
        _unsubmitted_notes(
            cycle,
            where,
            key=f"{prefix}{stamp}",
            kind=Kind.REMINDER,
            title=_("催报：请尽快提交创星清单"),
            body=_("%(place)s提醒：%(cycle)s创星清单尚未提交，请尽快填报。")
            % {"place": place.name, "cycle": cycle.code},
        )
    )
    notify_now(notes)
    return len(notes)
