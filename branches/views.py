from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from branches.registers import REGISTERS
from uploads.exports import dataset_response


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
