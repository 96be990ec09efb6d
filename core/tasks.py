"""Handing work to the workers without ever leaving it waiting for a broker that is down."""

import logging

from celery import current_app
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

# What a broker that is down raises when we publish: kombu wraps redis-py's errors, but the
# result backend (the same Redis) raises redis-py's own when the task subscribes to its result.
BROKER_DOWN = (KombuOperationalError, RedisError, OSError)
log = logging.getLogger(__name__)


def enqueue(task: object, *args: object) -> str | None:
    """Send `task` (a task, or a task's registered name) to the workers and return its id, or
    None when the broker (Redis) cannot be reached. Callers record that the work did not start
    and tell the user, instead of leaving a run that waits forever or answering with a server
    error."""
    if isinstance(task, str):  # a service names the task: services never import tasks
        task = task_named(task)
    if task.app.conf.task_always_eager:  # type: ignore[attr-defined]  # no broker: run it here
        return task.apply_async(args=args).id or ""  # type: ignore[attr-defined]
    try:
        result = task.apply_async(args=args)  # type: ignore[attr-defined]
    except BROKER_DOWN:
        log.exception("broker unreachable: %s not sent", task)
        return None
    return result.id or ""


def task_named(name: str) -> object:
    """The task registered as `name`. A web process has not discovered the apps' tasks (only
    a worker does as it starts, and nothing else imports them), so the first call asks Celery
    to discover them."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]
