"""Township review: the queue of submitted checklists, passed one by one or several at once."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from access.rules import may
from core.forms import ids_from
from scoring.filters import ChecklistFilter
from scoring.selectors import review_queue as queue_of
from scoring.services.workflow import checklists_pass
from villages.choices import VillageKind

PAGE_SIZE = 100


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    if not may(request.user, "review.queue"):
        raise PermissionDenied
    queue = queue_of(user=request.user).order_by("submitted_at")
    if request.method == "POST":
        chosen = list(queue.filter(pk__in=ids_from(request.POST.getlist("checklist"))))
        if not chosen:
            messages.error(request, _("请先勾选要通过的清单。"))
        else:
            passed, problems = checklists_pass(checklists=chosen, user=request.user)
            if passed:
                messages.success(request, _("已通过%(n)s份清单。") % {"n": passed})
            for problem in problems:
                messages.error(request, problem)
        return redirect("review")
    kind = request.GET.get("kind", "")
    queue = ChecklistFilter({"kind": kind if kind in VillageKind.values else ""}, queue).qs
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "queue": page,
        "page": page,
        "query": query.urlencode(),
        "kind": kind,
        "kinds": VillageKind.choices,
    }
    return render(request, "scoring/review.html", context)
