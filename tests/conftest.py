"""The catalogue fixtures (catalogues, a cycle) for the cross-app tests."""

from catalogues.tests.conftest import community, cycle, quarter, rural  # noqa: F401
