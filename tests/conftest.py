"""The scoring fixtures (a rural catalogue, a cycle) for the cross-app tests."""

from scoring.tests.conftest import cycle, quarter, rural  # noqa: F401
