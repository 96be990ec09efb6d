from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from access.scope import governs
from villages.codes import Level, level_of
from villages.models import City, County, Province, Township, Village
from villages.selectors import county_list, place_get, township_list, village_list


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Everyone lands on their own place: county, township, or own branch."""
    user = request.user
    place = user.place
    if isinstance(place, Village):
        return village_page(request, place)
    if isinstance(place, Township):
        return township_page(request, place)
    if isinstance(place, County):
        return county_page(request, place)
    if isinstance(place, Province | City):
        return redirect("dashboard")  # a city's or province's work starts from its figures
    return render(request, "villages/home.html", {"counties": county_list(user=user)})


@login_required
def place_detail(request: HttpRequest, code: str) -> HttpResponse:
    level = level_of(code)
    if level in (None, Level.CITY, Level.PROVINCE) or not governs(request.user, level):
        raise Http404
    if level == Level.COUNTY:
        return county_page(request, place_get(user=request.user, model=County, code=code))
    if level == Level.TOWNSHIP:
        return township_page(request, place_get(user=request.user, model=Township, code=code))
    return village_page(request, place_get(user=request.user, model=Village, code=code))


def county_page(request: HttpRequest, county: County) -> HttpResponse:
    townships = list(township_list(user=request.user, county=county))
    totals = {
        key: sum(getattr(t, key) for t in townships)
        for key in (
            "rural_count",
            "community_count",
            "branch_count",
            "weak_lax_count",
            "first_secretary_count",
        )
    }
    context = {"county": county, "townships": townships, "totals": totals}
    return render(request, "villages/county.html", context)


def township_page(request: HttpRequest, township: Township) -> HttpResponse:
    villages = village_list(user=request.user, township=township)
    return render(request, "villages/township.html", {"township": township, "villages": villages})


def village_page(request: HttpRequest, village: Village) -> HttpResponse:
    """A village with a branch is shown as the branch's record (创星档案)."""
    village = village_list(user=request.user).get(pk=village.pk)
    branch = getattr(village, "branch", None)
    if branch is not None:
        return redirect("branch", code=village.code)
    return render(request, "villages/village.html", {"village": village})
