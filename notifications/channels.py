"""The ways out besides the inbox: e-mail through Django's mail backend (SMTP in production),
and one outbound webhook that an SMS gateway or a WeChat Work group robot listens on.

The webhook is signed: `X-Wuxing-Timestamp` and `X-Wuxing-Signature: sha256=<hex>`, the HMAC
of "<timestamp>.<body>" with `WUXING_WEBHOOK_SECRET`, so the receiver can refuse forgeries and
replays. `WUXING_WEBHOOK_FORMAT` is "json" (our own document) or "wecom" (the text message a
WeChat Work group robot takes)."""

import hashlib
import hmac
import json
import time
import urllib.request
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage

from notifications.models import Notification


def absolute(link: str) -> str:
    return f"{settings.WUXING_SITE_URL.rstrip('/')}{link}" if link.startswith("/") else link


def send_email(notification: Notification) -> None:
    user = notification.recipient
    lines = (
        [notification.body, "", absolute(notification.link)]
        if notification.link
        else [notification.body]
    )
    message = EmailMessage(
        subject=f"【五星支部】{notification.title}",
        body="\n".join(lines),
        to=[user.email],
        headers={"X-Wuxing-Notification": str(notification.pk or notification.kind)},
    )
    message.send(fail_silently=False)


def webhook_document(notification: Notification) -> dict[str, Any]:
    user = notification.recipient
    text = f"【五星支部】{notification.title}\n{notification.body}"
    if notification.link:
        text += f"\n{absolute(notification.link)}"
    if settings.WUXING_WEBHOOK_FORMAT == "wecom":
        return {"msgtype": "text", "text": {"content": text, "mentioned_mobile_list": [user.phone]}}
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "to": {"name": user.name, "phone": user.phone},
        "title": notification.title,
        "text": text,
        "link": absolute(notification.link),
    }


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def send_webhook(notification: Notification) -> None:
    body = json.dumps(webhook_document(notification), ensure_ascii=False).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(  # noqa: S310 - the URL is the operator's own setting
        settings.WUXING_WEBHOOK_URL,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "X-Wuxing-Timestamp": timestamp,
            "X-Wuxing-Signature": signature(settings.WUXING_WEBHOOK_SECRET, timestamp, body),
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        if not 200 <= response.status < 300:
            raise OSError(f"webhook answered {response.status}")
