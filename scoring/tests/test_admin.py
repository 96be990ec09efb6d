"""The admin shows checklists but cannot move them: the workflow has one way in."""

import pytest
from django.urls import reverse

from access.gate import SYSTEM
from accounts.models import User
from scoring.services.checklists import checklist_open

pytestmark = pytest.mark.django_db


def test_even_a_superuser_cannot_change_a_checklists_state_in_the_admin(
    client, world, rural, cycle
):
    checklist = checklist_open(branch=world.branch(world.v1), cycle=cycle, user=SYSTEM)
    admin = User.objects.create_superuser("root", password="a-long-pass-1")
    client.force_login(admin)
    url = reverse("admin:scoring_checklist_change", args=[checklist.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    response = client.post(url, {"state": "awarded", "level": 5})
    assert response.status_code == 403
    checklist.refresh_from_db()
    assert checklist.state == "draft"
    assert client.get(reverse("admin:scoring_checklist_add")).status_code == 403
