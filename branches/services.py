"""Writes for Party branches, their secretaries and rectification tasks."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.gate import gated, internal
from access.rules import may, refusal
from accounts.choices import Role
from accounts.models import User
from accounts.selectors import free_to_be_secretary
from accounts.services import user_bind, user_create
from audit.services import audit, audit_entry, audit_many, changed
from branches.choices import AuditAction
from branches.models import Branch, Rectification, RectificationStatus, Target
from branches.selectors import CHILDREN
from core.errors import Conflict, NotAllowed
from notifications.choices import Kind
from notifications.services import Note, notify
from uploads.evidence import evidence_check
from villages.models import City, County, Province, Township, Village


@internal("the register import and the division setup, which the gate asked, save branches")
def branch_save(*, branch: Branch) -> Branch:
    branch.full_clean()
    branch.save()
    return branch


@internal("a step of the gated register import of branches")
@transaction.atomic
def secretary_assign(*, branch: Branch, name: str, phone: str) -> User:
    """Make the person with mobile `phone` the branch's secretary (书记).

    The phone number is the sign-in name, as county staff hand out accounts by phone. A person
    already secretary of another branch is refused rather than silently moved. The previous
    secretary keeps their account but loses the branch.
    """
    phone = phone.strip()
    if not phone:
        raise ValidationError({"secretary": _("书记手机号不能为空。")})
    user = User.objects.filter(username=phone).first()
    if user is None:
        user = user_create(
            username=phone, name=name, phone=phone, role=Role.SECRETARY, place=branch.village
        )
    else:
        if not free_to_be_secretary(user, village=branch.village):
            raise ValidationError(
                {
                    "secretary": _(
                        "手机号%(phone)s已是其他地点的账号（%(user)s），不能兼任本村书记。"
                    )
                    % {"phone": phone, "user": user}
                }
            )
        user.name, user.phone = name, phone
        user_bind(user=user, role=Role.SECRETARY, place=branch.village)
        user.full_clean()
        user.save()
    previous = branch.secretary
    if previous is not None and previous.pk != user.pk:
        user_bind(user=previous, role=Role.NONE, place=None)
        previous.save(update_fields=["role", "county", "township", "village"])
    branch.secretary = user
    branch.save(update_fields=["secretary"])
    return user


def branch_for_village(*, village: Village) -> Branch:
    """The village's branch, made on first need with its conventional name."""
    branch = Branch.objects.filter(village=village).first()
    if branch is None:
        branch = branch_save(branch=Branch(village=village, name=f"中共{village.name}支部委员会"))
    return branch


# status change → the status it leads to; who may take it from which status is the gate's
# ("rectification.<step>" in branches.rules).
RECTIFICATION_STEPS = {
    "done": RectificationStatus.DONE,
    "verify": RectificationStatus.VERIFIED,
    "reject": RectificationStatus.OPEN,
    "close": RectificationStatus.CLOSED,
}


def rectification_steps_for(user: User, task: Rectification) -> list[str]:
    return [step for step in RECTIFICATION_STEPS if may(user, f"rectification.{step}", task)]


@gated("rectify", on="branch", refused=gettext_lazy("只有乡镇和县级可以下达整改任务。"))
@transaction.atomic
def rectification_create(
    *,
    branch: Branch,
    cycle: str,
    star: str,
    criterion: str,
    title: str,
    owner: str,
    deadline: date,
    user: User,
) -> Rectification:
    """A rectification task for one shortfall item (township or county staff assign it)."""
    if not owner.strip():
        raise ValidationError({"owner": _("请填写责任人。")})
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": _("完成时限不能早于今天。")})
    if Rectification.objects.filter(branch=branch, cycle=cycle, criterion=criterion).exists():
        raise ValidationError(
            _("%(criterion)s 已有整改任务，不再重复下达。") % {"criterion": criterion}
        )
    task = Rectification(
        branch=branch,
        cycle=cycle,
        star=star,
        criterion=criterion,
        title=title[:300],
        owner=owner.strip()[:30],
        deadline=deadline,
        created_by=user,
    )
    task.full_clean()
    task.save()
    audit(
        user=user,
        action=AuditAction.RECTIFICATION,
        target=task,
        place=branch.village,
        after={"status": task.status, "criterion": criterion, "owner": task.owner,
               "deadline": deadline},
    )  # fmt: skip
    notify(
        Note(
            kind=Kind.RECTIFICATION,
            key=f"rectification:{task.pk}:assigned",
            title=_("新的整改任务：%(criterion)s") % {"criterion": criterion},
            body=_("%(name)s：%(title)s，责任人%(owner)s，%(deadline)s前完成。")
            % {"name": branch.village.name, "title": task.title, "owner": task.owner,
               "deadline": deadline.isoformat()},
            link=reverse("branch", args=[branch.village.code]),
            place=branch.village,
            users=(branch.secretary_id,) if branch.secretary_id else (),
        )
    )  # fmt: skip
    return task


@gated("rectification.{step}", on="task")
@transaction.atomic
def rectification_step(
    *,
    task: Rectification,
    step: str,
    user: User,
    note: str = "",
    evidence: UploadedFile | None = None,
) -> Rectification:
    """Move a task one step: done (with what was done and, ideally, evidence), verify or reject
    (township), close (township or county). Concurrent steps take turns on the row lock."""
    if step not in RECTIFICATION_STEPS:
        raise ValidationError(_("未知的操作。"))
    task = (
        Rectification.objects.select_for_update()
        .select_related("branch__village__township")
        .get(pk=task.pk)
    )
    refused = refusal(user, f"rectification.{step}", task)
    if refused in ("role", "place"):
        raise NotAllowed(_("您无权对该支部的整改任务执行此操作。"))
    if refused:
        raise Conflict(
            _("整改任务当前为“%(status)s”，您不能执行此操作；可能已被他人处理，请刷新后查看。")
            % {"status": task.get_status_display()}
        )
    now = timezone.now()
    before = {"status": task.status}
    if step == "done":
        if not note.strip():
            raise ValidationError({"note": _("请填写整改情况。")})
        task.note, task.done_at = note.strip(), now
        if evidence is not None:
            _type, suffix = evidence_check(evidence)
            task.evidence.save(f"{task.pk}.{suffix}", evidence, save=False)
    elif step == "verify":
        task.verified_by, task.verified_at = user, now
    elif step == "reject":
        task.note = f"{task.note}\n【核验未通过】{note.strip()}".strip()
    elif step == "close":
        task.closed_at = now
    task.status = RECTIFICATION_STEPS[step]
    task.save()
    audit(
        user=user,
        action=AuditAction.RECTIFICATION,
        target=task,
        place=task.branch.village,
        before=before,
        after={"status": task.status, "step": step} | ({"note": note.strip()} if note else {}),
    )
    return task


def _targets_of(place: Any, year: int) -> tuple[dict[str, Any], dict[tuple[str, str], Target]]:
    """The place and the places one level below it, by code, and their targets of the year by
    (place code, kind)."""
    child_model, parent_field, _path = CHILDREN[type(place)]
    places = {place.code: place} | {
        c.code: c for c in child_model.objects.filter(**{parent_field: place})
    }
    current = {
        (t.place.code, t.kind): t
        for t in Target.objects.filter(year=year)
        .filter(
            Q(**{type(place).__name__.lower(): place})
            | Q(**{f"{child_model.__name__.lower()}__in": list(places.values())[1:]})
        )
        .select_related(*Target.PLACE_FIELDS)
    }
    return places, current


def _target_problem(
    code: str, kind: str, five: int, four: int, share: Decimal, places: dict[str, Any]
) -> str | None:
    if code not in places:
        return _("%(code)s不是本级或下一级的地区，不能为其设定目标。") % {"code": code}
    if kind not in (Target.Kind.RURAL.value, Target.Kind.COMMUNITY.value):
        return _("%(code)s：类型应为农村或社区。") % {"code": code}
    if five < 0 or four < 0 or not 0 <= share <= 100:
        return _("%(code)s：目标数不能为负，占比须在0～100之间。") % {"code": code}
    return None


@gated("targets.set", refused=gettext_lazy("只有县、市、省委组织部可以设定创建目标。"))
@transaction.atomic
def targets_save(
    *, user: User, year: int, rows: dict[tuple[str, str], tuple[int, int, Decimal]]
) -> list[Target]:
    """Set a year's targets (five-star count, four-star count, share at three stars or more)
    by kind (rural, community) for the user's own place and the places one level below it,
    keyed by (place code, kind); all or nothing, every change audited."""
    place: Any = user.place
    if not may(user, "targets.set") or type(place) not in CHILDREN:
        raise PermissionDenied(_("只有县、市、省委组织部可以设定创建目标。"))
    if not 2000 <= year <= 2100:
        raise ValidationError(_("年度应为2000～2100之间的四位数字。"))
    places, current = _targets_of(place, year)
    errors, saved, entries = [], [], []
    for (code, kind), (five, four, share) in rows.items():
        problem = _target_problem(code, kind, five, four, share, places)
        if problem:
            errors.append(problem)
            continue
        new = {"five_star": five, "four_star": four, "three_plus_share": share}
        old = current.get((code, kind))
        before, after = changed(_target_values(old), new)
        if not after:
            continue
        target_place = places[code]
        if old is None:
            where = {type(target_place).__name__.lower(): target_place}
            old = Target.objects.create(year=year, kind=kind, **where, **new)
        else:
            for name, value in new.items():
                setattr(old, name, value)
            old.save(update_fields=list(new))
        saved.append(old)
        entries.append(
            audit_entry(
                user=user,
                action=AuditAction.TARGET_SAVE,
                target=_("%(year)s年%(kind)s目标")
                % {"year": year, "kind": Target.Kind(kind).label},
                place=target_place,
                before=before,
                after=after,
            )
        )
    if errors:
        raise ValidationError(errors)
    audit_many(entries)
    return saved


TARGET_CHILDREN = {
    Province: (City, "province"),
    City: (County, "city"),
    County: (Township, "county"),
}


def _target_values(target: Target | None) -> dict[str, Any]:
    if target is None:
        return {}
    return {
        "five_star": target.five_star,
        "four_star": target.four_star,
        "three_plus_share": target.three_plus_share,
    }
