"""The gate for API views: a role that may never take a view's action is refused (403) before
the request body is read, so it hears "not yours to do" rather than a 400 about a body it could
never send. The place and the state are the services' to check (their gate at the edge)."""

from typing import Any

from rest_framework.permissions import BasePermission

from access.rules import place_refusal


class GateRole(BasePermission):
    """Reads `gate_actions` on the view: the view's action name → the gate's action."""

    message = "您的岗位不能执行此操作。"

    def has_permission(self, request: Any, view: Any) -> bool:
        action = getattr(view, "gate_actions", {}).get(getattr(view, "action", None))
        return action is None or place_refusal(request.user, action) != "role"
