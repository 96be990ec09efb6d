"""The objection channel: the public form is limited per client even behind the proxy, the API
route records objections for the county only and is limited like the form, and staff cannot
use the public form."""

import pytest
from django.urls import reverse

from access.gate import SYSTEM
from scoring.models import Objection
from scoring.services.checklists import checklist_open
from scoring.services.publicity import publicity_open
from scoring.tests.test_workflow import approved

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_publicity(world, rural, cycle):
    checklist = checklist_open(branch=world.branch(world.v1), cycle=cycle, user=SYSTEM)
    approved(world, checklist)
    publicity_open(checklists=[checklist], user=world.county_user, days=5)
    return checklist


def object_publicly(client, world, checklist, forwarded: str):
    return client.post(
        reverse("public", args=[world.county.code]),
        {
            "checklist": checklist.pk,
            "name": "张三",
            "contact": "13800000000",
            "text": "数据不实，请核查",
        },
        REMOTE_ADDR="127.0.0.1",  # nginx
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_behind_the_proxy_each_client_has_its_own_limit(client, world, in_publicity, settings):
    settings.WUXING_PROXY_COUNT = 1
    settings.WUXING_OBJECTIONS_PER_HOUR = 5
    for _ in range(5):
        object_publicly(client, world, in_publicity, "203.0.113.7")
    refused = object_publicly(client, world, in_publicity, "203.0.113.7")
    assert "提交过于频繁" in refused.content.decode()
    assert Objection.objects.count() == 5
    # Another villager behind the same proxy is not held back by the first one, and a forged
    # leftmost entry does not buy the first one a fresh limit.
    object_publicly(client, world, in_publicity, "198.51.100.9")
    object_publicly(client, world, in_publicity, "10.9.9.9, 203.0.113.7")
    assert Objection.objects.count() == 6


def test_a_signed_in_secretary_cannot_use_the_public_form(client, world, in_publicity):
    client.force_login(world.sec_v1)
    response = object_publicly(client, world, in_publicity, "")
    assert response.status_code == 302
    assert not Objection.objects.exists()


@pytest.mark.parametrize("who", ["sec_v1", "town1_user"])
def test_only_the_county_records_objections_through_the_api(api, world, in_publicity, who):
    api.force_authenticate(getattr(world, who))
    body = {"name": "张三", "contact": "13800000000", "text": "数据不实，请核查"}
    response = api.post(f"/api/v1/checklists/{in_publicity.pk}/object/", body, format="json")
    assert response.status_code == 403
    assert not Objection.objects.exists()


def test_the_api_route_is_limited_like_the_form(api, world, in_publicity, settings):
    settings.WUXING_OBJECTIONS_PER_HOUR = 5
    api.force_authenticate(world.county_user)
    body = {"name": "张三", "contact": "13800000000", "text": "电话反映：数据不实"}
    url = f"/api/v1/checklists/{in_publicity.pk}/object/"
    codes = [api.post(url, body, format="json").status_code for _ in range(6)]
    assert codes == [201] * 5 + [400]
    assert Objection.objects.count() == 5
