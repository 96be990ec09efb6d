"""Everyone sees only their own: through pages, the API, exports and the admin."""

import io

import openpyxl
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def codes_in_xlsx(response) -> set[str]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}


def test_a_township_user_cannot_open_another_townships_village_page(client, world):
    client.force_login(world.town1_user)
    assert client.get(reverse("place-detail", args=[world.v1.code]), follow=True).status_code == 200
    assert client.get(reverse("branch", args=[world.v1.code])).status_code == 200
    assert client.get(reverse("place-detail", args=[world.v2.code])).status_code == 404
    assert client.get(reverse("branch", args=[world.v2.code])).status_code == 404
    assert client.get(reverse("place-detail", args=[world.town2.code])).status_code == 404


def test_a_secretary_sees_only_the_own_branch_page(client, world):
    client.force_login(world.sec_v1)
    home = client.get(reverse("home"), follow=True)
    assert world.v1.name in home.content.decode()
    assert client.get(reverse("place-detail", args=[world.v2.code])).status_code == 404
    assert client.get(reverse("branch", args=[world.v2.code])).status_code == 404
    assert client.get(reverse("place-detail", args=[world.c1.code])).status_code == 404
    assert client.get(reverse("place-detail", args=[world.town1.code])).status_code == 404


def test_a_county_page_lists_only_its_own_townships(client, world):
    client.force_login(world.county_user)
    page = client.get(reverse("home")).content.decode()
    assert world.town1.name in page and world.town2.name in page
    assert world.other_town.name not in page
    assert client.get(reverse("place-detail", args=[world.other_county.code])).status_code == 404


def test_the_village_api_lists_only_the_callers_villages(api, world):
    api.force_authenticate(world.town1_user)
    codes = {v["code"] for v in api.get("/api/v1/villages/").json()["results"]}
    assert codes == {world.v1.code, world.c1.code}
    assert api.get(f"/api/v1/villages/{world.v2.code}/").status_code == 404


def test_a_filter_cannot_widen_what_the_api_shows(api, world):
    api.force_authenticate(world.town1_user)
    response = api.get("/api/v1/villages/", {"township": world.town2.code})
    assert response.json()["count"] == 0


def test_the_branch_api_shows_a_secretary_only_the_own_branch(api, world):
    api.force_authenticate(world.sec_v1)
    results = api.get("/api/v1/branches/").json()["results"]
    assert [b["code"] for b in results] == [world.v1.code]
    assert api.get(f"/api/v1/branches/{world.v2.code}/").status_code == 404


def test_the_county_api_shows_a_township_user_only_the_own_county(api, world):
    api.force_authenticate(world.town1_user)
    codes = [c["code"] for c in api.get("/api/v1/counties/").json()["results"]]
    assert codes == [world.county.code]


def test_a_branch_export_holds_only_the_callers_branches(client, world):
    client.force_login(world.town1_user)
    response = client.get(reverse("register-export", args=["branches", "xlsx"]))
    assert response.status_code == 200
    assert codes_in_xlsx(response) == {world.v1.code, world.c1.code}


def test_a_secretary_export_holds_only_the_own_branch(client, world):
    client.force_login(world.sec_v1)
    response = client.get(reverse("register-export", args=["villages", "xlsx"]))
    assert codes_in_xlsx(response) == {world.v1.code}


def test_anonymous_visitors_are_sent_to_login_and_refused_by_the_api(client, api, world):
    response = client.get(reverse("place-detail", args=[world.v1.code]))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert api.get("/api/v1/villages/").status_code in (401, 403)
    assert client.get(reverse("register-export", args=["branches", "csv"])).status_code == 302


def test_a_user_without_a_role_sees_nothing(api, world):
    from accounts.models import User

    nobody = User.objects.create_user(username="nobody", password="x-very-long-1")
    api.force_authenticate(nobody)
    assert api.get("/api/v1/villages/").json()["count"] == 0
    assert api.get("/api/v1/branches/").json()["count"] == 0


def test_the_admin_changelist_is_scoped_for_county_staff(client, world):
    from django.contrib.auth.models import Permission

    user = world.county_user
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_village"))
    client.force_login(user)
    page = client.get("/admin/villages/village/").content.decode()
    assert world.v1.code in page and world.v2.code in page
    assert world.v3.code not in page
    assert client.get(f"/admin/villages/village/{world.v3.pk}/change/").status_code == 302


def test_a_nul_character_in_an_address_is_refused_not_a_server_error(client, api, world):
    client.force_login(world.county_user)
    assert client.get("/branches/4199%0021/").status_code == 400
    assert client.get("/audit/", {"text": "a\x00b"}).status_code == 400
    api.force_authenticate(world.county_user)
    response = api.get("/api/v1/branches/4199%00/")
    assert response.status_code == 400 and "不允许的字符" in response.json()["detail"]
    started = api.post("/api/v1/tallies/", {"county": world.county.code, "cycle": "20\x0026"})
    assert started.status_code == 400 and "cycle" in started.json()
