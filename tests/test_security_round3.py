"""Security round three (issue 23): a reset ends every key, nobody can spoil a county's codes,
and the PDF fetcher reads only our own files. (Decisions taken once:
scoring/tests/test_decisions_once.py; hostile values everywhere: tests/test_hostile_walk.py.)"""

from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.activation import activation_issue
from accounts.models import ActivationCode, User
from printing.pdf import _Fetcher

pytestmark = pytest.mark.django_db
PASSWORD = "Qinghe-2026!"


def signed_in_everywhere(client, user):
    """The person with a session on one phone and an API token on another."""
    user.set_password(PASSWORD)
    user.save()
    signed = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert signed.status_code == 302
    api = APIClient()
    response = api.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD})
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api.get("/api/v1/checklists/").status_code == 200
    assert client.get(reverse("inbox")).status_code == 200
    return api


def locked_out(client, api) -> bool:
    page = client.get(reverse("inbox"))
    return (
        page.status_code == 302
        and "/login/" in page["Location"]
        and api.get("/api/v1/checklists/").status_code in (401, 403)
    )


def reset_on_the_page(world, user):
    staff = Client_for(world.town1_user)
    response = staff.post(reverse("activation-reset"), {"user": [user.pk]})
    assert response.status_code == 200


def Client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def new_password_in_admin(world, user):
    from django.test import Client

    root = User.objects.create_superuser("root", password="x-Admin-2026")
    admin = Client()
    admin.force_login(root)
    url = reverse("admin:accounts_user_change", args=[user.pk]).replace("/change/", "/password/")
    response = admin.post(url, {"password1": "Other-2026!x", "password2": "Other-2026!x"})
    assert response.status_code == 302, response.content.decode()[:300]


def deactivated_in_admin(world, user):
    user.is_active = False
    user.save()


def activated_with_a_code(world, user):
    from django.test import Client

    [issued] = activation_issue(staff=world.town1_user, users=[user])
    Client().post(
        reverse("activate"),
        {"username": user.username, "code": issued.code, "password1": "Fresh-2026!x",
         "password2": "Fresh-2026!x"},
    )  # fmt: skip


@pytest.mark.parametrize(
    "path", [reset_on_the_page, new_password_in_admin, deactivated_in_admin, activated_with_a_code]
)
def test_every_way_a_password_changes_or_an_account_stops_ends_its_sessions_and_tokens(
    client, world, path
):
    api = signed_in_everywhere(client, world.sec_v1)
    path(world, world.sec_v1)
    assert locked_out(client, api)
    assert not Token.objects.filter(user=world.sec_v1).exists()


def activate(client, username, code="WRONG234", address="10.1.1.1"):
    return client.post(
        reverse("activate"),
        {"username": username, "code": code, "password1": PASSWORD, "password2": PASSWORD},
        REMOTE_ADDR=address,
    )


@pytest.fixture
def secretaries(world):
    """Six secretaries of the county with live codes."""
    people = [
        User.objects.create(username=f"1390000010{n}", name=f"书记{n}", role="secretary",
                            village=world.v1 if n % 2 else world.v2)
        for n in range(6)
    ]  # fmt: skip
    for person in people:
        person.set_unusable_password()
        person.save()
    return {
        i.user.username: i.code for i in activation_issue(staff=world.county_user, users=people)
    }


def test_one_client_cannot_void_more_than_a_few_accounts_codes(client, secretaries):
    names = list(secretaries)
    for name in names[:3]:
        assert activate(client, name).status_code == 400  # wrong code: counted
    refused = activate(client, names[3])
    assert refused.status_code == 429 and "3个账号上尝试失败" in refused.content.decode()
    # The fourth account's code was never tried: it still works (from the person's own phone).
    assert not ActivationCode.objects.filter(user__username=names[3], failures__gt=0).exists()
    done = activate(client, names[3], code=secretaries[names[3]], address="10.9.9.9")
    assert done.status_code == 302


def test_one_client_gets_a_few_failed_tries_an_hour(client, secretaries):
    name = next(iter(secretaries))
    answers = [activate(client, name).status_code for _ in range(9)]
    assert answers[:8] == [400] * 8 and answers[8] == 429


def test_one_account_gets_a_few_tries_an_hour_from_anywhere(client, secretaries):
    name = next(iter(secretaries))
    answers = [activate(client, name, address=f"10.0.0.{n}").status_code for n in range(9)]
    assert (
        answers[-1] == 429
        and "该账号一小时内尝试次数过多" in activate(client, name).content.decode()
    )


def test_the_township_sees_failed_tries_and_hands_out_a_fresh_code(client, world, secretaries):
    name = next(n for n in secretaries if User.objects.get(username=n).village == world.v1)
    for n in range(3):
        activate(client, name, address=f"10.0.1.{n % 2}")
    client.force_login(world.town1_user)
    page = client.get(reverse("activation")).content.decode()
    assert "3次，来自2个地址" in page
    person = User.objects.get(username=name)
    sheet = client.post(reverse("activation-issue"), {"user": [person.pk]})
    assert sheet.status_code == 200 and sheet["Content-Type"] == "application/pdf"
    assert ActivationCode.objects.filter(user=person, used_at__isnull=True).count() == 1


def test_the_password_reset_form_is_limited_per_client(client, world):
    answers = [
        client.post(reverse("password_reset"), {"email": f"x{n}@example.cn"}).status_code
        for n in range(6)
    ]
    assert answers[:5] == [302] * 5 and answers[5] == 429
    assert (
        "尝试次数过多"
        in client.post(reverse("password_reset"), {"email": "y@example.cn"}).content.decode()
    )


@pytest.fixture
def media_file(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    inside = Path(settings.MEDIA_ROOT) / "evidence" / "photo.jpg"
    inside.parent.mkdir(parents=True)
    inside.write_bytes(b"\xff\xd8\xff\xe0 a photo")
    return inside


@pytest.mark.parametrize(
    "url",
    [
        "FILE:///etc/passwd",
        "File:///etc/passwd",
        "file:///etc/passwd#/../..{media}/evidence/photo.jpg",
        "file:///etc/passwd?/../..{media}/evidence/photo.jpg",
        "file:///etc/passwd%23/../..{media}/evidence/photo.jpg",
        "file://evil.example/{media}/evidence/photo.jpg",
        "file://{media}/../../etc/passwd",
        "file://{media}/evidence/photo.jpg?x=1",
        "file://{media}/evidence/photo.jpg#x",
        "http://127.0.0.1:8000/",
    ],
)
def test_the_pdf_fetcher_refuses_every_way_around_the_media_folder(media_file, settings, url):
    with pytest.raises(ValueError, match="not fetched"):
        _Fetcher().fetch(url.format(media=settings.MEDIA_ROOT))


def test_the_pdf_fetcher_reads_our_own_files_and_inline_data(media_file):
    fetched = _Fetcher().fetch(media_file.as_uri())
    assert fetched.read() == b"\xff\xd8\xff\xe0 a photo"
    fetched.close()
    assert _Fetcher().fetch("data:text/plain;base64,5a2X").read() == "字".encode()
