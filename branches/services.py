"""Writes for Party branches and their secretaries."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from branches.models import Branch
from villages.choices import Role
from villages.models import User, Village
from villages.services import user_bind, user_create


def branch_save(*, branch: Branch) -> Branch:
    branch.full_clean()
    branch.save()
    return branch


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
        if user.role not in (Role.NONE, Role.SECRETARY) or (
            user.village_id not in (None, branch.village_id)
        ):
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
