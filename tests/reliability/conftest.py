"""Private services for fault tests: a Redis, a search node and Celery workers that these tests may stop,
kill and restart without disturbing anybody else's run on the shared services."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import kombu.pools
import psycopg
import pytest
import redis
import requests
from django.conf import settings

from hub.celery import app

REPO = Path(__file__).resolve().parents[2]
SEARCH_CLASSPATH = REPO / ".var" / "search-classpath.txt"
SEARCH_POM = REPO / "matching" / "engine" / "pom.xml"


# "Task matching.proposals_generate[<id>] received", then "… succeeded in 0.2s: 10" (or retry, raised).
TASK_EVENT = re.compile(r"Task ([\w.]+)\[([0-9a-f-]+)\] (received|succeeded|retry|raised|ignored|rejected)")


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", "reliability: a fault test that stops, kills or restarts a private service"
    )


# Every process these tests start, so that none outlives the run, whatever failed on the way.
STARTED: list[subprocess.Popen] = []


def pytest_sessionfinish(session, exitstatus) -> None:
    for process in STARTED:
        _kill_group(process)


def free_port(*, between: tuple[int, int] | None = None) -> int:
    """A port nothing listens on: any, or the first free one in an inclusive range."""
    for port in range(between[0], between[1] + 1) if between else [0]:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError(f"No free port between {between[0]} and {between[1]}.")


def wait_until(predicate: Callable[[], object], *, timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


def log_tail(path: Path, lines: int = 40) -> str:
    if not path.exists():
        return f"(no log at {path})"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _kill(process: subprocess.Popen | None, sig: int = signal.SIGKILL) -> None:
    if process is not None and process.poll() is None:
        process.send_signal(sig)
        process.wait(timeout=60)


def _kill_group(process: subprocess.Popen | None) -> None:
    """SIGKILL a running process started in a session of its own, and whatever it started (a worker's pool).

    Only while it runs: once it has exited and been waited for, its id may belong to someone else."""
    if process is not None and process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=60)


class RedisServer:
    """redis-server on a free port, with an append-only file like docker-compose.yml's."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=2)

    def ping(self) -> bool:
        try:
            return self.client().ping()
        except redis.ConnectionError:
            return False

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                "--appendonly",
                "yes",
                "--save",
                "",
                "--logfile",
                str(self.directory / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        STARTED.append(self.process)
        if not wait_until(self.ping, timeout=30):
            raise RuntimeError(f"Private Redis did not start:\n{log_tail(self.directory / 'redis.log')}")

    def stop(self) -> None:
        """A clean restart's first half: SIGTERM, Redis writes its append-only file and exits."""
        _kill(self.process, signal.SIGTERM)

    def kill(self) -> None:
        _kill(self.process)

    def queued(self, queue: str = "celery") -> int:
        return self.client().llen(queue)

    def unacked(self) -> int:
        return self.client().hlen("unacked")


def search_classpath() -> str:
    """The search node's classpath, resolved like scripts/services.sh does."""
    if not SEARCH_CLASSPATH.exists() or SEARCH_CLASSPATH.stat().st_mtime < SEARCH_POM.stat().st_mtime:
        SEARCH_CLASSPATH.parent.mkdir(exist_ok=True)
        subprocess.run(
            [
                "mvn",
                "-q",
                "-B",
                "-f",
                str(SEARCH_POM),
                "dependency:build-classpath",
                f"-Dmdep.outputFile={SEARCH_CLASSPATH}",
            ],
            check=True,
            capture_output=True,
        )
    return SEARCH_CLASSPATH.read_text().strip()


class SearchNode:
    """One OpenSearch node started like scripts/services.sh starts the shared one, on free ports, with its
    own cluster name and data directory; `kill` is a real SIGKILL of the java process."""

    def __init__(self, base: Path, *, heap: str = "512m") -> None:
        self.base = base
        self.heap = heap
        # The runner serves HTTP on ports up to 9299 only (it moves up while a port is taken).
        self.port = free_port(between=(9240, 9299))
        self.cluster = f"maillage-reliability-{uuid.uuid4().hex[:8]}"
        self.log = base / "node.log"
        self.process: subprocess.Popen | None = None
        config = base / "node_1" / "config"
        config.mkdir(parents=True, exist_ok=True)
        # The runner copies its own opensearch.yml only when there is none. Single-node discovery and
        # a transport port of our own keep this node from ever meeting the shared one.
        (config / "opensearch.yml").write_text(
            f"cluster.name: {self.cluster}\ndiscovery.type: single-node\ntransport.port: {free_port()}\n"
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def healthy(self) -> bool:
        try:
            answer = requests.get(
                f"{self.url}/_cluster/health",
                params={"wait_for_status": "yellow", "timeout": "1s"},
                timeout=3,
            )
        except requests.RequestException:
            return False
        return answer.status_code == 200 and answer.json().get("cluster_name") == self.cluster

    def start(self, *, timeout: float = 180) -> float:
        """Start the node and wait until it is healthy; return how long that took, in seconds."""
        started = time.monotonic()
        log_start = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    "java",
                    f"-Xms{self.heap}",
                    f"-Xmx{self.heap}",
                    "-cp",
                    search_classpath(),
                    "org.codelibs.opensearch.runner.OpenSearchRunner",
                    "-basePath",
                    str(self.base),
                    "-numOfNode",
                    "1",
                    "-baseHttpPort",
                    str(self.port - 1),
                    "-clusterName",
                    self.cluster,
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        STARTED.append(self.process)

        def this_run_log() -> str:
            with self.log.open("rb") as log:
                log.seek(log_start)
                return log.read().decode(errors="replace")

        if not wait_until(
            lambda: self.healthy() or self.process.poll() is not None, timeout=timeout, interval=0.5
        ):
            self.kill()
            raise RuntimeError(f"Private search node did not start in {timeout} s:\n{this_run_log()[-4000:]}")
        if self.process.poll() is not None:
            raise RuntimeError(f"Private search node exited:\n{this_run_log()[-4000:]}")
        return time.monotonic() - started

    def kill(self) -> None:
        _kill(self.process)


class CeleryWorker:
    """`celery -A hub worker` in a subprocess, on the test's database, search indexes and a private broker.

    Emails go to files in `mail_dir` (one file per message), so that a test can count them."""

    def __init__(
        self, *, broker_url: str, directory: Path, pool: str = "solo", visibility_timeout: int = 3
    ) -> None:
        self.broker_url = broker_url
        self.directory = directory
        self.pool = pool
        self.visibility_timeout = visibility_timeout
        self.mail_dir = directory / "mail"
        self.mail_dir.mkdir(exist_ok=True)
        self.log = directory / "worker.log"
        self.process: subprocess.Popen | None = None

    def environment(self) -> dict[str, str]:
        database = settings.DATABASES["default"]
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.reliability.worker_settings",
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
            "DATABASE_URL": (
                f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:{database['PORT']}/"
                f"{database['NAME']}"
            ),
            "CELERY_BROKER_URL": self.broker_url,
            "SEARCH_URL": settings.SEARCH_URL,
            "SEARCH_INDEX_PREFIX": settings.SEARCH_INDEX_PREFIX,
            "RELIABILITY_MAIL_DIR": str(self.mail_dir),
            "RELIABILITY_VISIBILITY_TIMEOUT": str(self.visibility_timeout),
            "PAYMENT_PROVIDER": "sandbox",
            "LOG_LEVEL": "INFO",
        }

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "hub",
                    "worker",
                    f"--pool={self.pool}",
                    "--concurrency=1",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--loglevel=INFO",
                    f"--hostname=reliability-{uuid.uuid4().hex[:8]}@%h",
                ],
                cwd=REPO,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        STARTED.append(self.process)
        if not wait_until(
            lambda: b" ready." in self.log.read_bytes() or self.process.poll() is not None, timeout=60
        ):
            raise RuntimeError(f"Celery worker did not start:\n{log_tail(self.log)}")
        if self.process.poll() is not None:
            raise RuntimeError(f"Celery worker exited:\n{log_tail(self.log)}")

    def kill(self) -> None:
        _kill_group(self.process)

    def stop(self) -> None:
        _kill(self.process, signal.SIGTERM)

    def task_events(self) -> list[tuple[str, str, str]]:
        """(task name, task id, event) for every task event in the log, oldest first."""
        return [match.groups() for match in TASK_EVENT.finditer(self.log.read_text(errors="replace"))]

    def running_task(self) -> tuple[str, str]:
        """(name, id) of the task this worker is running now, read from its log: received, not yet finished
        (two empty strings when it runs none)."""
        running: dict[str, str] = {}
        for name, task_id, event in self.task_events():
            if event == "received":
                running[task_id] = name
            else:
                running.pop(task_id, None)
        return next(((name, task_id) for task_id, name in reversed(running.items())), ("", ""))

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def emails(self) -> list[str]:
        """Every message sent, as raw text; the file backend separates messages with a line of 79 dashes."""
        separator = "\n" + "-" * 79 + "\n"
        return [
            message
            for path in sorted(self.mail_dir.glob("*.log"))
            for message in path.read_text().split(separator)
            if message.strip()
        ]


def direct_connection() -> psycopg.Connection:
    """A connection of our own to the test database, outside Django."""
    database = settings.DATABASES["default"]
    return psycopg.connect(
        dbname=database["NAME"],
        user=database["USER"],
        password=database["PASSWORD"] or None,
        host=database["HOST"],
        port=database["PORT"],
        autocommit=True,
    )


@contextmanager
def locked_table(table: str) -> Iterator[Callable[[], list[int]]]:
    """Hold an exclusive lock on `table` (released on exit); yield a function listing the backends of the
    test database that wait for a lock, such as a task stopped mid-way by this one."""
    with direct_connection() as locker, direct_connection() as observer:
        locker.execute("BEGIN")
        locker.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")

        def waiting() -> list[int]:
            return [
                pid
                for (pid,) in observer.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock' AND pid <> %s",
                    [settings.DATABASES["default"]["NAME"], locker.info.backend_pid],
                )
            ]

        try:
            yield waiting
        finally:
            locker.execute("ROLLBACK")


@contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Tasks queued by this process go to the broker at `url` instead of running eagerly."""
    # The write and read URLs, because CELERY_BROKER_URL in the environment outranks `broker_url`.
    previous = (app.conf.broker_write_url, app.conf.broker_read_url, app.conf.task_always_eager)
    _reset_publisher()
    app.conf.broker_write_url, app.conf.broker_read_url, app.conf.task_always_eager = url, url, False
    try:
        yield
    finally:
        _reset_publisher()
        app.conf.broker_write_url, app.conf.broker_read_url, app.conf.task_always_eager = previous


def _reset_publisher() -> None:
    # The app caches its connection and producer pools, and kombu keeps them in global groups: start
    # afresh, or the next task (even an eager one, which still takes a producer) reuses a closed pool.
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def private_redis(tmp_path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.kill()


@pytest.fixture
def worker_factory(tmp_path) -> Iterator[Callable[..., CeleryWorker]]:
    workers: list[CeleryWorker] = []

    def make(**kwargs) -> CeleryWorker:
        worker = CeleryWorker(directory=tmp_path, **kwargs)
        workers.append(worker)
        return worker

    yield make
    for worker in workers:
        worker.kill()  # Before the database is flushed: an idle connection of the worker would hold it up.
