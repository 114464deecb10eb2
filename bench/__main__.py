"""python -m bench --scale 1k|10k|100k [--quick] [--keep] [--out DIR]   (see docs/benchmarks.md)

python -m bench compare RESULTS.json…   prints one Markdown table across scales, with growth ratios.
python -m bench report RESULTS.json       writes report.md next to it again (an interrupted run keeps its phases).
"""

import argparse
import json
import os
import sys
from pathlib import Path

from bench.generator import SCALES

PROJECT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["report"]:  # Re-render report.md from a results.json, e.g. of an interrupted run.
        from bench.report import render

        path = Path(argv[1])
        (path.parent / "report.md").write_text(render(json.loads(path.read_text())))
        return 0
    if argv[:1] == ["compare"]:
        from bench.report import compare

        print(compare([Path(p) for p in argv[1:]]))
        return 0
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=SCALES, default="1k")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="Smoke run: 30 queries, 10 writes, 1 s of load per level (numbers not meaningful).",
    )
    parser.add_argument("--keep", action="store_true", help="Keep the database and the indexes afterwards.")
    parser.add_argument(
        "--out", type=Path, help="Where report.md and results.json go (default .var/bench/SCALE)."
    )
    pgport = os.environ.get("PGPORT", "5433")
    parser.add_argument(
        "--pg",
        default=f"postgres://maillage@127.0.0.1:{pgport}",
        help="PostgreSQL server URL, without database; the role must be allowed to CREATE DATABASE.",
    )
    parser.add_argument(
        "--db", default="maillage_bench", help="The benchmark's own database (dropped first)."
    )
    parser.add_argument("--prefix", help="Index prefix (default bench-SCALE).")
    parser.add_argument(
        "--broker",
        default=f"redis://127.0.0.1:{os.environ.get('REDIS_PORT', '6380')}/1",
        help="Celery broker of the benchmark's worker (its own Redis database).",
    )
    parser.add_argument("--search-url", default=f"http://127.0.0.1:{os.environ.get('SEARCH_PORT', '9200')}")
    parser.add_argument(
        "--queries", type=int, help="Rankings and searches per workload (default 500, quick 30)."
    )
    parser.add_argument("--writes", type=int, help="Freshness writes (default 200, quick 10).")
    parser.add_argument("--load-seconds", type=float, help="Seconds per load level (default 15, quick 1).")
    parser.add_argument(
        "--load",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="wrk if installed (auto), or the fixed-rate Python generator.",
    )
    parser.add_argument(
        "--web-workers",
        type=int,
        default=2 * (os.cpu_count() or 1) + 1,
        help="gunicorn sync workers (default 2 × cores + 1).",
    )
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument(
        "--until",
        choices=(
            "quality",
            "import",
            "reindex",
            "postgres_fts_build",
            "matcher_engine",
            "search_engine",
            "api",
            "http_load",
        ),
        help="Stop after this phase (memory is still reported): for a partial run when time is short.",
    )
    args = parser.parse_args(argv)

    from bench.runner import Options, run

    options = Options(
        scale=args.scale,
        quick=args.quick,
        keep=args.keep,
        out=(args.out or PROJECT / ".var" / "bench" / args.scale).resolve(),
        pg=args.pg.rstrip("/"),
        db=args.db,
        prefix=args.prefix or f"bench-{args.scale}",
        broker=args.broker,
        search_url=args.search_url,
        queries=args.queries or (30 if args.quick else 500),
        writes=args.writes or (10 if args.quick else 200),
        load_seconds=args.load_seconds or (1.0 if args.quick else 15.0),
        load=args.load,
        web_workers=args.web_workers,
        seed=args.seed,
        until=args.until,
    )
    run(options)
    print(f"Report: {options.out / 'report.md'}\nRaw results: {options.out / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
