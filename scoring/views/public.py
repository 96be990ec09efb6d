"""The county's public page (no sign-in): ratings under publicity and the objection form."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from config.client import client_address
from scoring.errors import Conflict
from scoring.forms import ObjectionForm
from scoring.selectors import under_publicity
from scoring.services.publicity import client_key, objection_file
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
