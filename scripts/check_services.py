"""Before the tests: are PostgreSQL and Redis reachable? Say which is not and how
to start it, instead of letting every test fail with a connection error."""

import os
import socket
import sys

SERVICES = [
    (
        "PostgreSQL",
        os.environ.get("PGHOST", "127.0.0.1"),
        int(os.environ.get("PGPORT", "5432")),
        "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    ),
    (
        "Redis",
        os.environ.get("REDIS_HOST", "127.0.0.1"),
        int(os.environ.get("REDIS_PORT", "6379")),
        "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no",
    ),
]


def main() -> int:
    missing = []
    for name, host, port, hint in SERVICES:
        try:
            with socket.create_connection((host, port), timeout=2):
                pass
        except OSError as exc:
            missing.append(
                f"{name} is not reachable at {host}:{port} ({exc}). Start it with:\n    {hint}"
            )
    for line in missing:
        print(line, file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
