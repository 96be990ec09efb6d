"""Accounts in the admin: readable by staff within their place, changed by superusers only."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.admin import ScopedAdmin


@admin.register(User)
class UserAdmin(DjangoUserAdmin, ScopedAdmin):
    """Accounts are for superusers to change: a role or staff flag is a grant of access."""

    list_display = ["username", "name", "role", "place", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "name", "phone"]
    list_select_related = ["county", "township", "village"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("name", "phone", "email")}),
        (_("角色与地点"), {"fields": ("role", "county", "township", "village")}),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("日期"), {"fields": ("last_login", "date_joined")}),
    )

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: Any) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return request.user.is_superuser
