"""HTTP load from a separate process: wrk when installed (Debian's package), else bench.loadgen."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

WRK_SCRIPT = """
local paths = {%(paths)s}
local counter = 0
wrk.headers["Accept"] = "application/json"
%(headers)s
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p95_us": %%d, "p99_us": %%d, "max_us": %%d, ' ..
    '"connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def load_tool(preferred: str) -> str:
    if preferred == "wrk" or (preferred == "auto" and shutil.which("wrk")):
        return "wrk"
    return "python"


def wrk_version() -> str | None:
    if not shutil.which("wrk"):
        return None
    result = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    return (
        (result.stdout + result.stderr).splitlines()[0].strip() if (result.stdout + result.stderr) else "wrk"
    )


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run_wrk(
    *, base: str, paths: list[str], headers: dict, concurrency: int, duration: float, workdir: Path, name: str
) -> dict:
    script = workdir / f"wrk-{name}.lua"
    script.write_text(
        WRK_SCRIPT
        % {
            "paths": ", ".join(_lua_string(path) for path in paths),
            "headers": "\n".join(
                f"wrk.headers[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items()
            ),
        }
    )
    threads = min(2, concurrency)
    command = [
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(concurrency),
        "-d",
        f"{max(1, round(duration))}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        base,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    line = next((line for line in result.stdout.splitlines() if line.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no summary: {result.stdout}\n{result.stderr}")
    raw = json.loads(line.removeprefix("BENCH "))
    seconds = raw["duration_us"] / 1e6
    errors = {kind: raw[kind] for kind in ("connect", "read", "write", "status", "timeout")}
    return {
        "tool": "wrk (closed loop)",
        "command": " ".join(command),
        "requests": raw["requests"],
        "duration_s": round(seconds, 2),
        "requests_per_s": round(raw["requests"] / seconds, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p95_ms": round(raw["p95_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "max_ms": round(raw["max_us"] / 1000, 2),
        "errors": sum(errors.values()),
        "error_kinds": errors,
    }


def run_python(
    *,
    base: str,
    paths: list[str],
    headers: dict,
    concurrency: int,
    duration: float,
    rate: float,
    workdir: Path,
    name: str,
) -> dict:
    paths_file = workdir / f"paths-{name}.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    command = [
        sys.executable,
        "-m",
        "bench.loadgen",
        "--base",
        base,
        "--paths",
        str(paths_file),
        "--rate",
        str(rate),
        "--duration",
        str(duration),
        "--concurrency",
        str(concurrency),
    ]
    command += [
        arg
        for name_, value in {"Accept": "application/json", **headers}.items()
        for arg in ("--header", f"{name_}: {value}")
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=duration + 120, check=True)
    return {**json.loads(result.stdout.strip().splitlines()[-1]), "command": " ".join(command)}
