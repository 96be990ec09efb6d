"""Pages of the scoring app: the checklist, township review, county control, the public page."""
