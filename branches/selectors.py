"""Reads of branches, always through the user's scope."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from access.scope import restrict
from branches.models import Branch


def branch_list(*, user: Any) -> QuerySet[Branch]:
    return restrict(Branch.objects.select_related("village__township__county", "secretary"), user)


def branch_get(*, user: Any, code: str) -> Branch:
    """The branch of the village with `code`, if `user` may see it; 404 otherwise."""
    return get_object_or_404(branch_list(user=user), village__code=code)
