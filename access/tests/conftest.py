"""The scoring fixtures (catalogues, cycles) for the gate's tests."""

from scoring.tests.conftest import cycle, quarter, rural  # noqa: F401
