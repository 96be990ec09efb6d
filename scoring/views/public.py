"""The county's public page (no sign-in): ratings under publicity and the objection form."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from catalogues.models import Star
from core.client import client_address, client_key
from core.errors import Conflict
from printing.pdf import pdf_response, qr_data_uri
from scoring.forms import ObjectionForm
from scoring.selectors import under_publicity
from scoring.services.publicity import objection_file
from villages.models import County


@never_cache
def public_page(request: HttpRequest, code: str) -> HttpResponse:
    county = get_object_or_404(County, code=code)
    rows = under_publicity(county_id=county.pk)
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and getattr(request.user, "role", ""):
        # The public channel is for the public: staff and secretaries act through the workflow.
        messages.error(
            request,
            _("工作人员和村(社区)书记不能在公示页面提出异议；请退出登录后再以群众身份提交。"),
        )
        return redirect("public", code=code)
    if request.method == "POST" and form.is_valid():
        checklist = next((c for c in rows if c.pk == form.cleaned_data["checklist"]), None)
        if checklist is None:
            messages.error(request, _("该支部的评定已不在公示期内。"))
            return redirect("public", code=code)
        try:
            objection_file(
                checklist=checklist,
                name=form.cleaned_data["name"],
                contact=form.cleaned_data["contact"],
                text=form.cleaned_data["text"],
                client=client_key(client_address(request)),
            )
        except ValidationError as error:
            for field, errors in getattr(
                error, "message_dict", {"__all__": error.messages}
            ).items():
                form.add_error(field if field in form.fields else None, errors)
        except Conflict as error:
            messages.error(request, str(error))
            return redirect("public", code=code)
        else:
            messages.success(
                request, _("异议已收到，县委组织部将核实处理，并按您留下的电话联系您。")
            )
            return redirect("public", code=code)
    chosen = request.POST.get("checklist") if request.method == "POST" else None
    context = {"county": county, "rows": rows, "form": form, "chosen": chosen}
    return render(request, "scoring/public.html", context, status=400 if form.errors else 200)


@never_cache
def publicity_notice(request: HttpRequest, code: str) -> HttpResponse:
    """The county's publicity notice (公示) for village boards and the county's website: an A4
    page to print, and `notice.pdf`; public, while a publicity lasts (404 otherwise)."""
    county = get_object_or_404(County, code=code)
    rows = under_publicity(county_id=county.pk)
    if not rows:
        raise Http404(_("本县目前没有正在公示的评定结果。"))
    names = dict(Star.objects.order_by("-catalogue__year").values_list("code", "name"))
    batches = _batches(rows, names)
    public_url = request.build_absolute_uri(reverse("public", args=[county.code]))
    context = {
        "county": county,
        "cycle": rows[0].cycle,
        "total": len(rows),
        # Each batch the county put before the public has its own period (公示时间).
        "batches": batches,
        "starts": batches[-1]["starts"],  # the notice is dated by its newest batch
        "public_url": public_url,
        "qr": qr_data_uri(public_url),
    }
    if request.path.endswith(".pdf") or request.GET.get("format") == "pdf":
        filename = f"{county.name}{rows[0].cycle.year}年度五星支部评定结果公示"
        return pdf_response("print/notice.html", context, request, filename=filename)
    return render(request, "print/notice.html", context)


def _batches(rows: list[Any], names: dict[str, str]) -> list[dict[str, Any]]:
    """The ratings under publicity by batch (oldest first), each by township."""
    batches: dict[int, dict[str, Any]] = {}
    for checklist in rows:
        publicity = checklist.publicity
        batch = batches.setdefault(
            publicity.pk,
            {
                "starts": timezone.localtime(publicity.starts_at),
                "ends": timezone.localtime(publicity.ends_at),
                "townships": {},
            },
        )
        village = checklist.branch.village
        group = batch["townships"].setdefault(
            village.township.code, {"name": village.township.name, "rows": []}
        )
        earned = [s["code"] for s in checklist.result.get("stars", []) if s["earned"]]
        group["rows"].append(
            {
                "name": village.name,
                "kind": village.get_kind_display(),
                "level": checklist.level,
                "stars": [names.get(code, code) for code in earned],
            }
        )
    ordered = sorted(batches.values(), key=lambda b: b["starts"])
    for batch in ordered:
        batch["townships"] = list(batch["townships"].values())
    return ordered
