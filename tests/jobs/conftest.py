import socket
import subprocess
import time
from collections.abc import Callable, Iterator

import pytest
import redis
from kombu import pools

from hengyang_award.celery import app
from tests.reference_data import seed_reference_data


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def reset_broker_pools() -> None:
    """Drop every pooled broker connection so the next publish connects to the
    current `broker_url` (the app and kombu cache connections per URL)."""
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


class PrivateRedis:
    """A throw-away redis-server of this test only, so that stopping it disturbs
    nobody else's Redis."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(  # noqa: S603 — a fixed command, no shell
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        client = self.client()
        deadline = time.monotonic() + 5
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=5)
            self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_connect_timeout=1)


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis(free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def unreachable_broker_url() -> str:
    """A Redis URL on a port where nothing listens."""
    return f"redis://127.0.0.1:{free_port()}/0"


@pytest.fixture
def use_broker() -> Iterator[Callable[[str], None]]:
    """Point the Celery app at another broker for one test, then restore it."""
    original = app.conf.broker_url

    def switch(url: str) -> None:
        app.conf.broker_url = url
        reset_broker_pools()

    yield switch
    app.conf.broker_url = original
    reset_broker_pools()


@pytest.fixture
def seeded_transactional_db(transactional_db) -> None:
    """A database whose changes are really committed (for a worker in another
    thread) and that holds the migrations' reference data."""
    seed_reference_data()
