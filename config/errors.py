"""Error pages: JSON under /api/ (clients parse the body whatever went wrong), HTML elsewhere.

A URL that matches no route never reaches DRF, so without these handlers the API would answer
an unknown path with Django's HTML page, which its schema does not promise.
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    """Whether `request` is for the API, whose clients read JSON whatever went wrong."""
    return request.path.startswith(API_PREFIX)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"detail": "未找到。"}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"detail": "服务器内部错误，已记录，请稍后再试。"}, status=500)
    return defaults.server_error(request)
