"""gunicorn settings, shared by the Docker image, docker-compose, the plain set-up and
bench/load.py: `gunicorn config.wsgi -c config/gunicorn.py`.

Threads let a worker serve other requests while one waits on PostgreSQL; measured with
bench/load.py (50 users, 2 cores), 3 workers × 4 threads keep every page's p95 near 100 ms.
No keep-alive: a kept-alive connection stays with the worker that accepted it, so a few busy
clients pile onto one worker while the others idle (p95 several times worse in bench/load.py),
and a client pausing about the 2 s default reuses a connection the server is closing and gets a
reset. Behind nginx (which keeps the browsers' connections alive itself) nothing is lost.
"""

import os

bind = os.environ.get("WEB_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_WORKERS", "3"))
threads = int(os.environ.get("WEB_THREADS", "4"))
worker_class = "gthread"
keepalive = 0
timeout = 60
errorlog = "-"
