"""Issue 15.3: staff activate their secretaries' accounts in bulk with one-time codes (a sheet
to print, and sent where a channel exists), reset access the same way, and staff reset their
own password by e-mail; codes are single-use, expire, and are never kept or logged in clear."""

import io
import logging
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.activation import activation_issue
from accounts.models import ActivationCode, User
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def activate(client, user, code, password):
    data = {"username": user.username, "code": code, "password1": password, "password2": password}
    return client.post(reverse("activate"), data)


def signs_in(client, user, password) -> bool:
    response = client.post(reverse("login"), {"username": user.username, "password": password})
    return response.status_code == 302


def codes_on(response) -> dict[str, str]:
    """username → code, read from the printed sheet (a PDF)."""
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    return dict(re.findall(r"(\S+)\s+([A-HJ-NP-Z2-9]{8})\s+\d{4}-\d{2}-\d{2}", text))


def test_a_township_activates_its_secretaries_and_each_sets_a_password(
    client, world, tasks_in_process, django_capture_on_commit_callbacks, caplog
):
    world.sec_v1.email = "wang@example.cn"
    world.sec_v1.save()
    for user in (world.sec_v1, world.sec_v2):
        user.set_unusable_password()
        user.save()
    client.force_login(world.town1_user)
    listing = client.get(reverse("activation")).content.decode()
    assert world.sec_v1.username in listing and world.sec_v2.username not in listing  # scope
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        sheet = client.post(reverse("activation-inactive"))
    codes = codes_on(sheet)
    assert list(codes) == [world.sec_v1.username]  # only the township's own
    code = codes[world.sec_v1.username]
    # Sent by e-mail too (the person has an address), never written to a log or kept in clear.
    assert code in mail.outbox[0].body and mail.outbox[0].to == ["wang@example.cn"]
    assert code not in caplog.text
    assert not ActivationCode.objects.filter(digest__contains=code).exists()
    assert AuditEntry.objects.filter(action="account.activation").count() == 1

    client.logout()
    wrong = activate(client, world.sec_v1, "AAAAAAAA", "Qinghe-2026!")
    assert wrong.status_code == 400 and "激活码不正确" in wrong.content.decode()
    weak = activate(client, world.sec_v1, code, "123")
    assert weak.status_code == 400
    done = activate(client, world.sec_v1, code.lower(), "Qinghe-2026!")
    assert done["Location"] == reverse("login")
    assert signs_in(client, world.sec_v1, "Qinghe-2026!")
    client.logout()
    again = activate(client, world.sec_v1, code, "Another-2026!")
    assert again.status_code == 400  # single use


def test_a_code_expires_and_dies_after_five_wrong_tries(client, world):
    [issued] = activation_issue(staff=world.county_user, users=[world.sec_v1])
    for _ in range(5):
        activate(client, world.sec_v1, "WRONG234", "Qinghe-2026!")
    late = activate(client, world.sec_v1, issued.code, "Qinghe-2026!")
    assert late.status_code == 400  # guessed at too often: the right code no longer works
    [fresh] = activation_issue(staff=world.county_user, users=[world.sec_v1])
    ActivationCode.objects.filter(used_at__isnull=True).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    expired = activate(client, world.sec_v1, fresh.code, "Qinghe-2026!")
    assert expired.status_code == 400


def test_staff_reset_a_forgotten_password_and_the_old_one_stops_at_once(client, world):
    world.sec_v1.set_password("Old-pass-2026!")
    world.sec_v1.save()
    client.force_login(world.county_user)
    sheet = client.post(reverse("activation-reset"), {"user": [world.sec_v1.pk]})
    assert world.sec_v1.username in codes_on(sheet)
    world.sec_v1.refresh_from_db()
    assert not world.sec_v1.has_usable_password()
    entry = AuditEntry.objects.get(action="account.activation")
    assert entry.after["activation"] == "reset" and "Old-pass" not in str(entry.after)
    # Another county's secretary cannot be reset from here.
    other = User.objects.create(username="13999999999", role="secretary", village=world.v3)
    with pytest.raises(Exception, match="管辖范围"):
        activation_issue(staff=world.county_user, users=[other])
    client.force_login(world.sec_v1)
    assert client.get(reverse("activation")).status_code == 403


def test_staff_reset_their_password_by_email_and_secretaries_are_sent_to_their_township(
    client, world
):
    world.town1_user.email = "clerk@example.cn"
    world.town1_user.save()
    world.sec_v1.email = "wang@example.cn"
    world.sec_v1.save()
    client.post(reverse("password_reset"), {"email": "clerk@example.cn"})
    client.post(reverse("password_reset"), {"email": "wang@example.cn"})
    [message] = mail.outbox  # the clerk's only: a secretary asks the township for a code
    assert message.to == ["clerk@example.cn"]
    link = re.search(r"https?://\S+/password/reset/\S+/", message.body).group(0)
    path = link.split("testserver", 1)[1]
    form = client.get(path, follow=True)
    new = {"new_password1": "Clerk-new-2026!", "new_password2": "Clerk-new-2026!"}
    done = client.post(form.redirect_chain[-1][0], new)
    assert done["Location"] == reverse("password_reset_complete")
    assert signs_in(client, world.town1_user, "Clerk-new-2026!")


def test_the_activation_page_says_the_password_rules_before_the_first_try(client):
    """Issue 28: the rules were shown only after a refused password."""
    page = client.get(reverse("activate")).content.decode()
    assert "密码要求：" in page
    assert "密码至少需要 10 个字符。" in page
    assert page.index("密码要求：") < page.index("设置密码</button>")
