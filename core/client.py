"""The client's address, as the proxies in front of Django report it.

Behind nginx the connecting address is nginx's own, so every limit keyed on it would be one
limit for the whole county. With `AXES_PROXY_COUNT` proxies, each appending the address it saw
to X-Forwarded-For, the client is the entry that many places from the right; entries further
left were sent by the client itself and prove nothing. Django REST framework's throttles count
`NUM_PROXIES` the same way; django-axes and the objection limit use this function.
"""

import hashlib

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    proxies = settings.WUXING_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "") or ""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not proxies or not forwarded:
        return remote
    chain = [part.strip() for part in forwarded.split(",") if part.strip()]
    if not chain:
        return remote
    return chain[-min(proxies, len(chain))][:64]


def client_key(address: str) -> str:
    """A salted hash of a client's address: enough to count its tries, useless to track it."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()
