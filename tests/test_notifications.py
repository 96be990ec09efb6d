"""Issue 15.1: every event addressed to a person becomes a notification, in the inbox, on the
API, by e-mail through a real SMTP server and by a signed webhook to a real HTTP receiver,
each delivered once; reminders from the beat and from the township, scoped to the place."""

import hashlib
import hmac
import json
import re
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from aiosmtpd.controller import Controller
from celery.exceptions import Retry
from django.urls import reverse
from django.utils import timezone

from access.gate import SYSTEM
from catalogues.models import Deadline
from catalogues.services import cycle_get_or_create
from catalogues.tests.conftest import YEAR, answers_for
from notifications.models import Delivery, Notification, Preference
from notifications.services import Note, notifications_record
from notifications.tasks import deliveries_send_task
from scoring.services.checklists import answers_save, checklist_open
from scoring.services.notices import reminders_due
from scoring.services.publicity import objection_file, objection_rule
from scoring.services.workflow import checklist_return, checklist_submit
from scoring.tests.test_workflow import approved

pytestmark = pytest.mark.django_db


@pytest.fixture
def checklist(world, rural, cycle):
    return checklist_open(branch=world.branch(world.v1), cycle=cycle, user=SYSTEM)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """aiosmtpd handler: the messages a real SMTP server received."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    yield inbox
    controller.stop()


def submit_and_return(world, checklist, django_capture_on_commit_callbacks):
    answers_save(checklist=checklist, user=world.sec_v1, answers=answers_for(checklist.catalogue))
    checklist_submit(checklist=checklist, user=world.sec_v1)
    with django_capture_on_commit_callbacks(execute=True):
        checklist_return(
            checklist=checklist,
            user=world.town1_user,
            reason="材料不全",
            reasons={"ZB-03": "缺会议记录"},
        )


def test_a_returned_checklist_reaches_the_secretary_in_the_inbox_and_the_api(
    client, api, world, checklist, tasks_in_process, django_capture_on_commit_callbacks
):
    submit_and_return(world, checklist, django_capture_on_commit_callbacks)
    [note] = Notification.objects.filter(recipient=world.sec_v1)
    assert note.kind == "returned" and "材料不全" in note.body and "ZB-03：缺会议记录" in note.body
    assert note.link == reverse("checklist", args=[checklist.pk])
    assert not Notification.objects.exclude(recipient=world.sec_v1).exists()

    client.force_login(world.sec_v1)
    home = client.get(reverse("inbox")).content.decode()
    assert '<span class="badge">1' in home and "清单被退回修改" in home
    opened = client.post(reverse("notification-read", args=[note.pk]))
    assert opened["Location"] == note.link
    assert client.get(reverse("inbox")).context["unread"] == 0

    api.force_authenticate(world.sec_v1)
    listed = api.get("/api/v1/notifications/").json()
    assert listed["count"] == 1 and listed["results"][0]["read"] is True
    api.force_authenticate(world.sec_v2)
    assert api.get("/api/v1/notifications/").json()["count"] == 0
    assert api.post(f"/api/v1/notifications/{note.pk}/read/").status_code == 404


def test_the_api_lists_unread_first_and_marks_read(api, world):
    notes = [
        Note(
            kind="reminder", key=f"k{n}", title=f"第{n}条", place=world.v1, users=(world.sec_v1.pk,)
        )
        for n in range(3)
    ]
    notifications_record(notes)
    first = Notification.objects.get(key="k0")
    api.force_authenticate(world.sec_v1)
    marked = api.post(f"/api/v1/notifications/{first.pk}/read/")
    assert marked.status_code == 200 and marked.json()["read"] is True
    titles = [n["title"] for n in api.get("/api/v1/notifications/").json()["results"]]
    assert titles[-1] == "第0条" and set(titles[:2]) == {"第1条", "第2条"}


def test_the_same_event_twice_is_one_notification_and_strangers_are_never_told(world):
    note = Note(
        kind="reminder",
        key="deadline:x",
        title="提醒",
        place=world.v1,
        users=(world.sec_v1.pk, world.sec_v2.pk, world.other_county_user.pk),
        staff=(("township", world.town2.pk),),
    )
    notifications_record([note])
    notifications_record([note])
    # Only v1's secretary works at v1 or above; v2's secretary, the next township and another
    # county are dropped, so nobody hears of a branch they may not see.
    assert list(Notification.objects.values_list("recipient", flat=True)) == [world.sec_v1.pk]


def test_email_goes_through_a_real_smtp_server_once(world, smtp, settings):
    world.sec_v1.email = "wang@example.cn"
    world.sec_v1.save()
    ids = notifications_record(
        [Note(kind="reminder", key="e1", title="请提交清单", body="截止日为11月30日", link="/",
              place=world.v1, users=(world.sec_v1.pk,))]
    )  # fmt: skip
    assert len(ids) == 1
    assert deliveries_send_task.apply(args=[ids]).get() == {"sent": 1, "skipped": 0, "failed": 0}
    assert deliveries_send_task.apply(args=[ids]).get()["skipped"] == 1  # a retry sends nothing
    [(to, content)] = smtp.messages
    assert to == ["wang@example.cn"] and "X-Wuxing-Notification" in content
    assert Delivery.objects.get().state == "sent"


class Receiver(BaseHTTPRequestHandler):
    answers: list[int] = []
    got: list[tuple[dict, bytes]] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.got.append((dict(self.headers), body))
        self.send_response(Receiver.answers.pop(0) if Receiver.answers else 200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver(settings):
    server = HTTPServer(("127.0.0.1", free_port()), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Receiver.answers, Receiver.got = [], []
    settings.WUXING_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/hook"
    settings.WUXING_WEBHOOK_SECRET = "s3cret"
    yield Receiver
    server.shutdown()


def send_until_done(ids):
    """Run the delivery task as a worker would: again after each retry it asks for, noting the
    backoff it asked for."""
    countdowns = []
    for _ in range(10):
        try:
            deliveries_send_task.apply(args=[ids], throw=True)
        except Retry as retry:
            countdowns.append(retry.when)
            continue
        return countdowns
    raise AssertionError("the task never stopped retrying")


def test_the_webhook_is_signed_retried_with_backoff_and_sent_once(world, receiver):
    world.sec_v1.phone = "13900000001"
    world.sec_v1.save()
    receiver.answers = [500]  # the gateway fails once
    ids = notifications_record(
        [Note(kind="reminder", key="w1", title="请提交", place=world.v1, users=(world.sec_v1.pk,))]
    )
    assert send_until_done(ids) == [30]
    delivery = Delivery.objects.get(channel="webhook")
    assert (delivery.state, delivery.attempts) == ("sent", 2)
    assert len(receiver.got) == 2  # the failed try and the one that went through
    headers, body = receiver.got[-1]
    expected = hmac.new(b"s3cret", headers["X-Wuxing-Timestamp"].encode() + b"." + body,
                        hashlib.sha256).hexdigest()  # fmt: skip
    assert headers["X-Wuxing-Signature"] == f"sha256={expected}"
    assert json.loads(body)["to"]["phone"] == "13900000001"
    assert send_until_done(ids) == []
    assert len(receiver.got) == 2  # never twice


def test_a_gateway_that_keeps_failing_is_given_up_after_the_attempts(world, receiver, settings):
    settings.WUXING_DELIVERY_ATTEMPTS = 3
    world.sec_v1.phone = "13900000001"
    world.sec_v1.save()
    receiver.answers = [500] * 10
    ids = notifications_record(
        [Note(kind="reminder", key="w2", title="请提交", place=world.v1, users=(world.sec_v1.pk,))]
    )
    assert send_until_done(ids) == [30, 60]  # twice as long each time
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("failed", 3) and "500" in delivery.error
    assert len(receiver.got) == 3


def test_each_person_chooses_their_channels(client, world, settings):
    settings.WUXING_WEBHOOK_URL = "http://127.0.0.1:9/hook"
    world.sec_v1.phone = "13900000001"
    world.sec_v1.save()
    client.force_login(world.sec_v1)
    # Issue 28: e-mail was ticked by default for a secretary with no address, so nothing was
    # sent and nothing said so; it is shown unticked, and the page says why.
    world.sec_v1.email = ""
    world.sec_v1.save()
    page = client.get(reverse("inbox")).content.decode()
    assert "本账号还没有电子邮箱，不会收到邮件" in page
    box = re.search(r'<input[^>]*name="by_email"[^>]*>', page).group(0)
    assert "checked" not in box
    refused = client.post(reverse("inbox"), {"by_email": "on", "email": ""})
    assert refused.status_code == 400 and "请填写电子邮箱" in refused.content.decode()
    client.post(reverse("inbox"), {"by_email": "on", "email": "wang@example.cn"})
    assert Preference.objects.get(user=world.sec_v1).by_webhook is False
    notifications_record(
        [Note(kind="reminder", key="p1", title="提醒", place=world.v1, users=(world.sec_v1.pk,))]
    )
    assert list(Delivery.objects.values_list("channel", flat=True)) == ["email"]


def test_the_county_hears_of_objections_and_the_secretary_of_rulings(
    world, checklist, django_capture_on_commit_callbacks, tasks_in_process
):
    from scoring.services.publicity import publicity_open

    approved(world, checklist)
    with django_capture_on_commit_callbacks(execute=True):
        publicity_open(checklists=[checklist], user=world.county_user, days=5)
        objection = objection_file(
            checklist=checklist, name="村民", contact="13800000000", text="集体收入数字不实"
        )
        objection_rule(
            objection=objection, user=world.county_user, upheld=False, ruling="经核实属实"
        )
    kinds = set(Notification.objects.values_list("recipient__username", "kind"))
    assert (world.county_user.username, "objection") in kinds
    assert (world.sec_v1.username, "ruling") in kinds
    assert (world.sec_v1.username, "publicity_opened") in kinds
    county_note = Notification.objects.get(kind="objection")
    assert "13800000000" not in county_note.body and "村民" not in county_note.body


def test_the_beat_reminds_of_deadlines_and_rectification_once(world, rural, cycle):
    checklist_open(branch=world.branch(world.v1), cycle=cycle, user=SYSTEM)
    today = timezone.localdate()
    Deadline.objects.create(county=world.county, cycle=cycle, due=today + timedelta(days=3))
    reminders_due(today)
    reminders_due(today)  # the beat ran twice: still one each
    told = Notification.objects.filter(kind="deadline")
    assert set(told.values_list("recipient", flat=True)) == {world.sec_v1.pk, world.sec_v2.pk}
    assert told.count() == 2 and "还有3天" in told.first().title
    assert not Notification.objects.filter(recipient=world.other_county_user).exists()


def test_the_beat_reminds_of_rectification_due_and_overdue_and_of_publicity_ending(
    world, checklist
):
    from branches.models import Rectification
    from branches.services import rectification_create
    from scoring.services.publicity import publicity_open

    today = timezone.localdate()
    due = rectification_create(
        branch=world.branch(world.v1), cycle=str(YEAR), star="CY", criterion="CY-01",
        title="发展集体经济", owner="王书记", deadline=today + timedelta(days=3),
        user=world.town1_user,
    )  # fmt: skip
    late = rectification_create(
        branch=world.branch(world.v1), cycle=str(YEAR), star="WM", criterion="WM-01",
        title="移风易俗", owner="王书记", deadline=today + timedelta(days=5),
        user=world.town1_user,
    )  # fmt: skip
    Rectification.objects.filter(pk=late.pk).update(deadline=today - timedelta(days=1))
    approved(world, checklist)
    publicity_open(checklists=[checklist], user=world.county_user, days=1)
    reminders_due(today)
    reminders_due(today)
    kinds = list(
        Notification.objects.filter(
            kind__in=["rectification_due", "rectification_overdue", "publicity_ending"]
        ).values_list("kind", "recipient__username")
    )
    assert sorted(kinds) == sorted(
        [
            ("publicity_ending", world.county_user.username),
            ("rectification_due", world.sec_v1.username),
            ("rectification_due", world.town1_user.username),
            ("rectification_overdue", world.sec_v1.username),
            ("rectification_overdue", world.town1_user.username),
        ]
    )
    assert (
        due.title in Notification.objects.get(kind="rectification_due", recipient=world.sec_v1).body
    )


def test_a_township_reminds_its_unsubmitted_branches_once_a_day(client, world, rural, cycle):
    submitted = checklist_open(branch=world.branch(world.v1), cycle=cycle, user=SYSTEM)
    answers_save(checklist=submitted, user=world.sec_v1, answers=answers_for(submitted.catalogue))
    checklist_submit(checklist=submitted, user=world.sec_v1)
    client.force_login(world.town1_user)
    client.post(f"{reverse('township-remind')}?cycle={YEAR}")
    # v1 has submitted and c1 has no secretary account: nobody else in 城关镇 to remind.
    assert not Notification.objects.filter(kind="reminder").exists()
    client.force_login(world.town2_user)
    client.post(f"{reverse('township-remind')}?cycle={YEAR}")
    assert list(
        Notification.objects.filter(kind="reminder").values_list("recipient", flat=True)
    ) == [world.sec_v2.pk]
    again = client.post(f"{reverse('township-remind')}?cycle={YEAR}", follow=True)
    assert "小时内已经催报过一次" in again.content.decode()
    assert Notification.objects.filter(kind="reminder").count() == 1


def test_notifying_a_county_is_a_constant_number_of_queries(world, django_assert_max_num_queries):
    cycle_get_or_create(code=str(YEAR))
    notes = [
        Note(kind="reminder", key=f"q{n}", title="提醒", place=world.v1, users=(world.sec_v1.pk,),
             staff=(("township", world.town1.pk), ("county", world.county.pk)))
        for n in range(200)
    ]  # fmt: skip
    with django_assert_max_num_queries(4):
        notifications_record(notes)
    assert Notification.objects.count() == 600


def test_a_rolled_back_step_tells_nobody(world, django_capture_on_commit_callbacks):
    from django.db import transaction

    from notifications.services import notify

    def note(key):
        return Note(
            kind="reminder", key=key, title="提醒", place=world.v1, users=(world.sec_v1.pk,)
        )

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            notify(note("rolled-back"))
            raise RuntimeError("the step failed")
        with transaction.atomic():
            notify(note("done-1"))
            notify(note("done-2"))
    assert sorted(Notification.objects.values_list("key", flat=True)) == ["done-1", "done-2"]


def test_deliveries_a_lost_queue_left_behind_go_out_within_minutes(world, tasks_in_process):
    """Redis restarted empty: the messages of pending deliveries are gone. The sweep (every
    minute) hands back those pending for longer than WUXING_DELIVERY_SWEEP_AFTER (2 minutes),
    and leaves younger ones, whose messages are most likely still queued, alone."""
    from datetime import timedelta

    from django.core import mail
    from django.utils import timezone

    from notifications.models import Delivery, Notification
    from notifications.tasks import deliveries_sweep_task

    world.sec_v1.email, world.sec_v2.email = "wang@example.cn", "li@example.cn"
    world.sec_v1.save()
    world.sec_v2.save()
    ages = {world.sec_v1: timedelta(minutes=3), world.sec_v2: timedelta(seconds=30)}
    for person, age in ages.items():
        note = Notification.objects.create(recipient=person, kind="reminder", key=f"k{person.pk}",
                                           title="催报")  # fmt: skip
        Notification.objects.filter(pk=note.pk).update(created_at=timezone.now() - age)
        Delivery.objects.create(notification=note, channel="email")
    assert deliveries_sweep_task() == 1
    assert [m.to for m in mail.outbox] == [["wang@example.cn"]]
    assert Delivery.objects.get(notification__recipient=world.sec_v1).state == "sent"
    assert Delivery.objects.get(notification__recipient=world.sec_v2).state == "pending"
