"""Township answer sheets: reading, templates and marked copies of bad uploads."""
