"""Reads of import runs, through the user's scope."""

from typing import Any

from django.db.models import QuerySet

from access.scope import restrict
from uploads.models import ImportRun


def import_runs(*, user: Any, kind: str) -> QuerySet[ImportRun]:
    """The runs of `kind` whose importer's place `user` may see, newest first."""
    return restrict(ImportRun.objects.filter(kind=kind).select_related("user"), user)
