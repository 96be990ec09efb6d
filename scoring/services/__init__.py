"""Writes of the scoring app: catalogues, checklists and answers, the review workflow, and
publicity. Pages, API, admin, commands and tasks all come in through these functions."""
