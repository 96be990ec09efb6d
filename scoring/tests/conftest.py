"""Scoring fixtures: the catalogue fixtures, and saving answers as a client does."""

from typing import Any

from catalogues.tests.conftest import community, cycle, quarter, rural  # noqa: F401


def patch_answers(api: Any, url: str, answers: dict[str, object]) -> Any:
    """PATCH answers as a client does: with the revision it has just read."""
    revision = api.get(url).json()["revision"]
    return api.patch(url, {"answers": answers, "revision": revision}, format="json")
