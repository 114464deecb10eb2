"""The processes under test (gunicorn, a Celery worker) and the memory sampler that watches them."""

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak RSS) of a process, in KiB; empty if it is gone."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    values = {}
    for line in lines:
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0])
    return values


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: the parent pid follows the last ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


class MemorySampler:
    """Samples the RSS of groups of processes (a parent and its children) every `interval` seconds.

    Keeps, per group, the peak of the group's total and the peak of its largest process, and reads
    each process's own high-water mark (VmHWM) when stopped."""

    def __init__(self, interval: float = 0.25) -> None:
        self.interval = interval
        self.groups: dict[str, tuple[int, bool]] = {}
        self.peaks: dict[str, dict] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._lock = threading.Lock()

    def watch(self, name: str, pid: int, *, with_children: bool) -> None:
        with self._lock:
            self.groups[name] = (pid, with_children)
            self.peaks.setdefault(
                name, {"peak_total_mib": 0.0, "peak_process_mib": 0.0, "processes": 0, "hwm": {}}
            )

    def start(self) -> None:
        self._thread.start()

    def _pids(self, pid: int, with_children: bool) -> list[int]:
        return [pid, *children(pid)] if with_children else [pid]

    def sample(self) -> None:
        with self._lock:
            groups = dict(self.groups)
        for name, (pid, with_children) in groups.items():
            pids = self._pids(pid, with_children)
            statuses = {p: _status(p) for p in pids}
            sizes = [s["VmRSS"] / 1024 for s in statuses.values() if "VmRSS" in s]
            if not sizes:
                continue
            peak = self.peaks[name]
            peak["peak_total_mib"] = round(max(peak["peak_total_mib"], sum(sizes)), 1)
            peak["peak_process_mib"] = round(max(peak["peak_process_mib"], max(sizes)), 1)
            peak["processes"] = max(peak["processes"], len(sizes))
            for p, s in statuses.items():
                if "VmHWM" in s:
                    peak["hwm"][str(p)] = round(s["VmHWM"] / 1024, 1)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def stop(self) -> dict:
        self.sample()
        self._stop.set()
        self._thread.join(timeout=5)
        return self.peaks


class Service:
    """A child process we started, stopped by its own pid."""

    def __init__(self, name: str, command: list[str], *, env: dict, log: Path) -> None:
        self.name = name
        self.log = log
        self._log_file = open(log, "wb")
        self.process = subprocess.Popen(command, env=env, stdout=self._log_file, stderr=subprocess.STDOUT)

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 20) -> None:
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log_file.close()


def start_gunicorn(*, env: dict, port: int, workers: int, log: Path) -> Service:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "hub.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--timeout",
        "60",
    ]
    service = Service("gunicorn", command, env=env, log=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if not service.alive():
            raise RuntimeError(f"gunicorn exited; see {log}")
        try:
            if (
                requests.get(
                    f"http://127.0.0.1:{port}/api/v1/regions/", timeout=20, allow_redirects=False
                ).status_code
                == 200
            ):
                # Every worker imports the app lazily on its first request: wake them all.
                for _ in range(workers * 4):
                    requests.get(f"http://127.0.0.1:{port}/api/v1/regions/", timeout=20)
                return service
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.3)
    service.stop()
    raise RuntimeError(f"gunicorn did not answer within 60 s; see {log}")


def start_celery(*, env: dict, name: str, concurrency: int, log: Path) -> Service:
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "hub",
        "worker",
        "-l",
        "info",
        "--concurrency",
        str(concurrency),
        "-n",
        f"{name}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    service = Service("celery", command, env=env, log=log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if not service.alive():
            raise RuntimeError(f"the Celery worker exited; see {log}")
        if b" ready." in log.read_bytes():
            return service
        time.sleep(0.3)
    service.stop()
    raise RuntimeError(f"the Celery worker was not ready within 90 s; see {log}")


def search_node_pid(project: Path) -> int | None:
    pidfile = project / ".var" / "search.pid"
    try:
        pid = int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if os.path.exists(f"/proc/{pid}") else None
