"""A fixed-rate (open-loop) HTTP load generator, run in its own process: the fallback when wrk is missing.

Request i is due at start + i / rate whoever is free to send it; its latency counts from when it was
due, not from when it was sent, so a slow server cannot hide its tail by slowing the client down
(what a closed loop does). Prints one JSON object.

    python -m bench.loadgen --base http://127.0.0.1:8000 --paths FILE --rate 300 --duration 10 --concurrency 32
"""

import argparse
import http.client
import json
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench.stats import percentile


def run(
    *, base: str, paths: list[str], headers: dict, rate: float, duration: float, concurrency: int
) -> dict:
    host = urlsplit(base)
    total = int(rate * duration)
    latencies: list[float] = []
    errors = {"status": 0, "connect": 0, "timeout": 0}
    lock = threading.Lock()
    counter = iter(range(total))
    start = time.perf_counter() + 0.2

    def worker() -> None:
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            due = start + index / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            try:
                connection.request("GET", paths[index % len(paths)], headers=headers)
                response = connection.getresponse()
                response.read()
                ok = 200 <= response.status < 400
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except TimeoutError:
                ok, kind = False, "timeout"
                connection.close()
            except (OSError, http.client.HTTPException):
                ok, kind = False, "connect"
                connection.close()
            else:
                kind = "status"
            finished = time.perf_counter()
            with lock:
                latencies.append(finished - due)
                if not ok:
                    errors[kind] += 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return {
        "tool": "python fixed-rate",
        "target_rate": rate,
        "requests": len(latencies),
        "duration_s": round(elapsed, 2),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(latencies, 50) * 1000, 2),
        "p95_ms": round(percentile(latencies, 95) * 1000, 2),
        "p99_ms": round(percentile(latencies, 99) * 1000, 2),
        "errors": sum(errors.values()),
        "error_kinds": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--paths", type=Path, required=True, help="One path per line.")
    parser.add_argument("--header", action="append", default=[], help="Name: value")
    parser.add_argument("--rate", type=float, required=True)
    parser.add_argument("--duration", type=float, required=True)
    parser.add_argument("--concurrency", type=int, required=True)
    args = parser.parse_args()
    headers = dict(h.split(": ", 1) for h in args.header)
    paths = [line for line in args.paths.read_text().splitlines() if line]
    print(
        json.dumps(
            run(
                base=args.base,
                paths=paths,
                headers=headers,
                rate=args.rate,
                duration=args.duration,
                concurrency=args.concurrency,
            )
        )
    )


if __name__ == "__main__":
    main()
