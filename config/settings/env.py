"""The one place that reads the environment.

Every helper is strict: a value that does not parse raises ImproperlyConfigured at start-up
instead of silently falling back, so a typo in production fails loudly and early.
"""

import os
import warnings

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_UNSET = object()
_ENGINES = {"django.db.backends.postgresql"}  # one engine everywhere: docs/one-database.md


def _raw(name: str, default: object) -> str | object:
    value = os.environ.get(name)
    if value is None:
        if default is _UNSET:
            raise ImproperlyConfigured(f"Environment variable {name} is required.")
        return default
    return value


def env_str(name: str, default: object = _UNSET) -> str:
    return _raw(name, default)  # type: ignore[return-value]


def env_bool(name: str, default: bool | object = _UNSET) -> bool:
    value = _raw(name, default)
    if isinstance(value, bool):
        return value
    lowered = str(value).strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false, 1/0), not {value!r}.")


def env_int(name: str, default: int | object = _UNSET) -> int:
    value = _raw(name, default)
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}.") from exc


def env_list(name: str, default: list[str] | object = _UNSET) -> list[str]:
    value = _raw(name, default)
    if isinstance(value, list):
        return value
    return [item.strip() for item in str(value).split(",") if item.strip()]


def env_database(name: str) -> dict:
    """A PostgreSQL server from a URL; `?host=/folder` names a Unix socket's folder."""
    url = env_str(name, None)
    if not url:
        raise ImproperlyConfigured(
            f"{name} is not set. Run through `make` (which starts an embedded PostgreSQL), "
            f"or `python scripts/embedded_pg.py -- COMMAND`, or give a postgres:// URL."
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # we raise our own, clearer error below
            config = environ.Env.db_url_config(url)
    except Exception as exc:  # django-environ raises several types for a malformed URL
        raise ImproperlyConfigured(f"{name} is not a database URL: {url!r}.") from exc
    if config.get("ENGINE") not in _ENGINES:
        raise ImproperlyConfigured(f"{name} must name a PostgreSQL server: {url!r}.")
    socket_dir = config.get("OPTIONS", {}).pop("host", None)
    if socket_dir:
        config["HOST"] = socket_dir
    return config
