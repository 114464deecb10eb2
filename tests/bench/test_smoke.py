"""The benchmark runner, once at the 1k scale in its quick mode: it must finish and write a complete
report. Numbers are not checked: a shared machine makes timings no test's business (docs/benchmarks.md)."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from bench.report import SECTIONS

PROJECT = Path(__file__).resolve().parents[2]


@pytest.mark.worker
def test_bench_quick_run_writes_every_section(tmp_path):
    run_id = uuid.uuid4().hex[:8]
    pgport, redis_port = os.environ.get("PGPORT", "5433"), os.environ.get("REDIS_PORT", "6380")
    command = [
        sys.executable,
        "-m",
        "bench",
        "--scale",
        "1k",
        "--quick",
        "--out",
        str(tmp_path),
        "--db",
        f"maillage_bench_{run_id}",
        "--prefix",
        f"bench-smoke-{run_id}",
        # A Redis database of its own, so that a concurrent run's worker never takes this run's tasks.
        "--broker",
        f"redis://127.0.0.1:{redis_port}/{2 + int(run_id, 16) % 14}",
        "--pg",
        f"postgres://maillage@127.0.0.1:{pgport}",
    ]
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "SEARCH_INDEX"))}

    completed = subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=900)

    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    results = json.loads((tmp_path / "results.json").read_text())
    report = (tmp_path / "report.md").read_text()
    assert set(SECTIONS) <= set(results["phases"])
    assert results["phases"]["freshness"]["not_visible_within_30s"] == 0
    for heading in (
        "## Quality",
        "## Import and reindex",
        "## Matcher latency",
        "## What the search engine buys",
        "## Search with facets",
        "## HTTP load",
        "## Freshness",
        "## Peak memory",
        "## Targets",
    ):
        assert heading in report
