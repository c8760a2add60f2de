"""The stack the hard suite runs against: started once, torn down at the end, whatever
happened (every process and temporary folder goes)."""
from dataclasses import dataclass

import pytest

from .seed import PASSWORD
from .stack import Client, Postgres, Processes, Redis


@dataclass
class Stack:
    postgres: Postgres
    redis: Redis
    processes: Processes

    def client(self, *, username: str | None = None, timeout: float = 10) -> Client:
        client = Client(self.processes.web_port, timeout=timeout)
        if username:
            client.log_in(username, PASSWORD)
        return client

    def manage(self, *args: str) -> str:
        return self.processes.manage(*args)

    def sql(self, query: str) -> str:
        return self.postgres.psql(query)


@pytest.fixture(scope="session")
def stack():
    postgres, redis = Postgres(), Redis()
    processes = Processes(postgres, redis)
    try:
        postgres.start()
        postgres.psql("CREATE DATABASE xuchang_hard", database="postgres")
        redis.start()
        processes.manage("migrate", "--noinput", "-v0")
        processes.manage("collectstatic", "--noinput", "-v0")
        processes.manage("shell", "--no-imports", "-c", "from tests.hard.seed import run; run()")
        processes.start_web()
        processes.start_worker()
        processes.start_beat()
        yield Stack(postgres, redis, processes)
    finally:
        processes.stop_all()
        redis.kill()
        postgres.remove()
        processes.remove()
