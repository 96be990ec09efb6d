"""Signing out ends the person's API tokens too: a shared or lost device keeps no way in."""

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse

from accounts.tokens import tokens_revoke


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            tokens_revoke(user=request.user)
        response = super().post(request, *args, **kwargs)
        # A phone is often shared: the offline copies of pages go with the session. Answers
        # not yet saved stay (localStorage), and are sent once their owner signs in again.
        response["Clear-Site-Data"] = '"cache"'
        return response
