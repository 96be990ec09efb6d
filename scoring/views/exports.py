"""Spreadsheet downloads of levels, shortfalls and rectification tasks (formula-safe)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from catalogues.selectors import cycles_newest_first
from scoring.exports import levels_dataset, rectifications_dataset, shortfalls_dataset
from uploads.exports import dataset_response

NAMES = {"levels": "星级一览", "shortfalls": "短板清单", "rectifications": "整改任务"}


@login_required
def export(request: HttpRequest, what: str) -> HttpResponse:
    """`/exports/levels.xlsx?cycle=2026`, `/exports/shortfalls.xlsx?cycle=…`,
    `/exports/rectifications.xlsx`."""
    if what not in NAMES:
        raise Http404
    if what == "rectifications":
        dataset = rectifications_dataset(user=request.user)
        stem = NAMES[what]
    else:
        cycle = get_object_or_404(cycles_newest_first(), code=request.GET.get("cycle", ""))
        build = levels_dataset if what == "levels" else shortfalls_dataset
        dataset = build(user=request.user, cycle=cycle)
        stem = f"{NAMES[what]}-{cycle.code}"
    stamp = timezone.localdate().strftime("%Y%m%d")
    return dataset_response(dataset, fmt="xlsx", filename=f"{stem}-{stamp}")
