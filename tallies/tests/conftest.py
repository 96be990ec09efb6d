"""The figures: tally runs and snapshots, dashboards, rankings."""

from catalogues.tests.conftest import community, cycle, quarter, rural  # noqa: F401
