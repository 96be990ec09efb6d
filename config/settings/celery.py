"""Celery and the beat schedule: the one module that says what runs in the background, and when.

Without CELERY_BROKER_URL (the demo and plain `make test`), tasks run in-process so that the
app needs no other service; tests that need a real worker ask for Redis explicitly.
"""

from celery.schedules import crontab

from config.settings.env import env_int, env_str

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
# Every run is recorded in its own row (ImportRun, TallyRun) and nothing reads a task's return
# value. Not storing them also means publishing never touches the result store, which, with
# Redis down, used to hold a page for its retries and then fail it.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# Where tasks are sent, the tallies' fan-out included; one Redis can then serve several sites.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# No task of ours may run longer (the imports declare 11 minutes, the tally parts 6).
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 15 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
# Redis redelivers unacknowledged messages after the visibility timeout: a message of a worker
# killed outright (the OOM killer, a lost machine) comes back only then. Matched to the
# longest task, a minute above its limit (a shorter one would redeliver running tasks; the
# old one, twice the limit, held a dead worker's work for an hour). The same for broker and
# result backend.
_VISIBILITY = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 60}
CELERY_BROKER_TRANSPORT_OPTIONS = _VISIBILITY
# The backend's own default is 20 retries a second apart: a page that starts work would hang
# for 19 s when Redis is down before saying so. Fail as fast as publishing does (below).
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    **_VISIBILITY,
    "retry_policy": {
        "max_retries": 2,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
    },
}
CELERY_RESULT_EXPIRES = 24 * 3600
# A page that starts work must answer soon when Redis is down: two quick retries, then it
# tells the user the work could not start (core.tasks.enqueue).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE: dict = {
    # Ratings whose publicity ended without an open objection are awarded shortly after
    # midnight, Beijing time; `award_ratings` does the same by hand.
    "award-ratings": {
        "task": "scoring.tasks.award_due_task",
        "schedule": crontab(minute=10, hour=0),
    },
    # Every county's tally, refreshed nightly for the dashboard.
    "tally-nightly": {
        "task": "tallies.tasks.tally_nightly_task",
        "schedule": crontab(minute=30, hour=1),
    },
    # Runs whose parts are all in are gathered; runs that stopped moving are failed.
    "tally-reconcile": {
        "task": "tallies.tasks.tally_reconcile_task",
        "schedule": crontab(minute="*"),
    },
    # Reminders of the day (deadlines in 3 and 1 days, rectification due and overdue,
    # publicity ending), each told once.
    "reminders-daily": {
        "task": "scoring.tasks.reminders_task",
        "schedule": crontab(minute=0, hour=8),
    },
    # Deliveries left pending (a broker that was down, a worker lost) go back to the workers.
    "deliveries-sweep": {
        "task": "notifications.tasks.deliveries_sweep_task",
        "schedule": crontab(minute="*"),
    },
    # Import runs still pending or running long after any worker would have finished.
    "import-reconcile": {
        "task": "uploads.tasks.import_reconcile_task",
        "schedule": crontab(minute="*/5"),
    },
}
