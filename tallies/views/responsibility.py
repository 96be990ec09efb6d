"""The responsibility chain (五级分包): who answers for each township and branch in a year,
set by the county from a sheet; the cadres and helping units ranked by their branches' results;
and each person's page with their branches, levels, shortfalls and overdue rectification."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from access.rules import may
from branches.responsibility import responsibility_import, responsibility_template
from core.views import recent_years, year_chosen
from tallies.selectors.responsibility import DUTY_LABELS, branch_figures, people, township_leaders
from uploads.exports import dataset_response
from uploads.spreadsheets import Upload


@login_required
def responsibility(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may(user, "responsibility.view"):
        raise PermissionDenied
    year = year_chosen(request)
    if request.GET.get("format") == "xlsx":
        if not may(user, "responsibility.set"):
            raise PermissionDenied
        dataset = responsibility_template(user=user, year=year)
        return dataset_response(dataset, fmt="xlsx", filename=f"责任分工-{year}")
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("请选择要导入的责任分工表。"))
        else:
            changed, errors = responsibility_import(
                user=user, year=year, upload=Upload(upload.name or "upload", upload.read())
            )
            for error in errors:
                messages.error(request, str(error))
            if not errors:
                messages.success(
                    request, _("已导入：%(n)s个地区的责任分工有变化。") % {"n": changed}
                )
        return redirect(f"{request.path}?year={year}")
    duty = request.GET.get("duty", "")
    ranked = people(user=user, year=year, figures=branch_figures(user=user, year=year))
    shown = [p for p in ranked if not duty or p.duty == duty]
    leaders = township_leaders(user=user, year=year)
    return render(
        request,
        "tallies/responsibility.html",
        {
            "year": year,
            "years": recent_years(),
            "duty": duty,
            "duties": DUTY_LABELS.items(),
            "people": shown,
            "townships": leaders,
            "may_set": may(user, "responsibility.set"),
        },
    )


@login_required
def person(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may(user, "responsibility.view"):
        raise PermissionDenied
    year = year_chosen(request)
    duty, name = request.GET.get("duty", ""), request.GET.get("name", "")
    figures = branch_figures(user=user, year=year)
    found = next(
        (
            p
            for p in people(user=user, year=year, figures=figures)
            if (p.duty, p.name) == (duty, name)
        ),
        None,
    )
    if found is None:
        raise Http404
    branches = sorted((figures[pk] for pk in found.branch_ids), key=lambda b: b.code)
    return render(
        request,
        "tallies/person.html",
        {"year": year, "person": found, "branches": branches},
    )
