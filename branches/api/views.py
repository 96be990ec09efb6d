from typing import Any

from rest_framework import viewsets

from branches.api.serializers import BranchSerializer
from branches.filters import BranchFilter
from branches.selectors import branch_list


class BranchViewSet(viewsets.ReadOnlyModelViewSet):
    """Party branches the caller may see, addressed by their village's 12-digit code."""

    serializer_class = BranchSerializer
    filterset_class = BranchFilter
    lookup_field = "village__code"
    lookup_url_kwarg = "code"

    def get_queryset(self) -> Any:
        return branch_list(user=self.request.user)
