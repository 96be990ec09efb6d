from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from access.rules import may
from branches.divisions import divisions_import
from branches.registers import REGISTERS
from uploads.exports import dataset_response
from uploads.spreadsheets import Upload


@login_required
def register_export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """A register (名录) as xlsx or csv, holding only what the user may see."""
    resource_class = REGISTERS.get(kind)
    if resource_class is None or fmt not in ("xlsx", "csv"):
        raise Http404
    resource = resource_class(user=request.user)
    dataset = resource.export(queryset=resource.get_queryset())
    stamp = timezone.localdate().strftime("%Y%m%d")
    return dataset_response(dataset, fmt=fmt, filename=f"{resource_class._meta.name}-{stamp}")


@login_required
def divisions_page(request: HttpRequest) -> HttpResponse:
    """Province and city staff set up their places from the statistical division list: check
    first (nothing written), then set up; every bad row is listed."""
    if not may(request.user, "divisions.import"):
        raise PermissionDenied
    report = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("请选择区划代码表文件。"))
        else:
            report = divisions_import(
                upload=Upload(upload.name or "upload", upload.read()),
                dry_run=request.POST.get("write") != "1",
                user=request.user,
            )
    return render(request, "branches/divisions.html", {"report": report})
