"""Writes for accounts: binding a person to a role and its place."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from access.gate import internal
from accounts.choices import Role
from accounts.models import User
from villages.models import City, County, Place, Province, Township, Village

ROLE_PLACE: dict[str, type[Place]] = {
    Role.PROVINCE: Province,
    Role.CITY: City,
    Role.COUNTY: County,
    Role.TOWNSHIP: Township,
    Role.SECRETARY: Village,
}


def user_bind(*, user: User, role: str, place: Place | None) -> None:
    """Bind `user` to `role` at `place`; the place's level must be the role's."""
    expected = ROLE_PLACE.get(role)
    if expected is None:
        if place is not None:
            raise ValidationError({"role": _("未设置角色的用户不能绑定地点。")})
    elif not isinstance(place, expected):
        raise ValidationError(
            {
                "role": _("角色“%(role)s”必须绑定到%(level)s。")
                % {"role": Role(role).label, "level": expected._meta.verbose_name}
            }
        )
    user.role = role
    user.province = place if isinstance(place, Province) else None
    user.city = place if isinstance(place, City) else None
    user.county = place if isinstance(place, County) else None
    user.township = place if isinstance(place, Township) else None
    user.village = place if isinstance(place, Village) else None
    user.__dict__.pop("_wuxing_scope", None)


@internal("accounts are made by the register import, the admin and commands, which the gate asked")
@transaction.atomic
def user_create(
    *,
    username: str,
    name: str,
    role: str,
    place: Place | None,
    phone: str = "",
    password: str | None = None,
    is_staff: bool = False,
) -> User:
    """A new account bound to its place. Without a password it cannot sign in until one is set."""
    user = User(username=username, name=name, phone=phone, is_staff=is_staff)
    user_bind(user=user, role=role, place=place)
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    return user
