"""The admin, as a whole, is closed to everyone without staff status (the roles of the
permission matrix, tests/test_permission_matrix.py)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.test_permission_matrix import ROLES, client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLES)
def test_the_admin_is_closed_to_everyone_without_staff_status(role, world):
    client = client_for(role, world)
    urls = [reverse("admin:index")] + [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]
    assert len(urls) > 10
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url
