"""Errors the scoring services raise besides ValidationError (bad input)."""

from django.core.exceptions import PermissionDenied


class Conflict(Exception):
    """Someone else changed the checklist first; the caller should reload and decide again."""


class NotAllowed(PermissionDenied):
    """The user's role or place does not allow this action on this checklist."""
