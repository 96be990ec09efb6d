"""Migrations of accounts, and one helper they share with audit and uploads."""

from core.moves import content_types_moved


def move_content_type(app_label, model):
    """Admin log entries and permissions keep pointing at the model moved out of villages."""
    return content_types_moved("villages", app_label, model)
