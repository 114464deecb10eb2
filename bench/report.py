"""The Markdown report of one run, and the cross-scale comparison of several runs."""

import json
from pathlib import Path

from bench.stats import ratio

SECTIONS = (
    "quality",
    "import",
    "reindex",
    "postgres_fts_build",
    "matcher_engine",
    "search_engine",
    "api",
    "http_load",
    "freshness",
    "memory",
)


def _cell(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    return str(value)


def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def targets(results: dict) -> list[list]:
    """The issue's targets, against this run's numbers. A target stated for 100k is marked so."""
    p = results["phases"]
    scale = results["meta"]["scale"]
    rows = []

    def add(name: str, measured, goal: str, ok: bool | None, note: str = "") -> None:
        verdict = "–" if ok is None else ("met" if ok else "missed")
        rows.append([name, measured, goal, verdict, note])

    at_100k = "" if scale == "100k" else f"stated for 100k; this run is {scale}"
    if "reindex" in p:
        rate = p["reindex"]["documents_per_s"]
        add("Full reindex, documents/s", rate, "≥ 2,000 docs/s (100k in < 60 s)", rate >= 2000, at_100k)
    if "matcher_engine" in p and "api" in p:
        for direction in ("challenge_to_vendors", "vendor_to_challenges"):
            engine = p["matcher_engine"][direction]["p95_ms"]
            api = p["api"][direction]["p95_ms"]
            add(
                f"Matcher p95 at the engine, {direction.replace('_', ' ')}",
                f"{engine} ms",
                "≤ 50 ms",
                engine <= 50,
                at_100k,
            )
            add(
                f"Matcher p95 through the API, {direction.replace('_', ' ')}",
                f"{api} ms",
                "≤ 100 ms",
                api <= 100,
                at_100k,
            )
            pg = p["matcher_engine"][f"postgres_{direction}"]["p95_ms"]
            add(
                f"Matcher p95 vs PostgreSQL p95, {direction.replace('_', ' ')}",
                f"{engine} vs {pg} ms (×{ratio(engine, pg)})",
                "no slower",
                engine <= pg,
                at_100k,
            )
    if "freshness" in p:
        value = p["freshness"]["from_committed_response"].get("p95_ms")
        add(
            "Freshness p95",
            f"{value} ms",
            "≤ 2,000 ms",
            value is not None and value <= 2000 and not p["freshness"]["not_visible_within_30s"],
        )
    if "http_load" in p and "opportunity_search@c32" in p["http_load"]:
        load = p["http_load"]["opportunity_search@c32"]
        add(
            "Opportunity search at c=32",
            f"{load['requests_per_s']} req/s, p95 {load['p95_ms']} ms, {load['errors']} errors",
            "≥ 300 req/s, p95 ≤ 200 ms, 0 errors",
            load["requests_per_s"] >= 300 and load["p95_ms"] <= 200 and load["errors"] == 0,
        )
    if "quality" in p:
        q = p["quality"]
        for direction in ("challenge_to_vendor", "vendor_to_challenge"):
            m, b = q["matcher"][direction]["ndcg@10"], q["postgres_fts"][direction]["ndcg@10"]
            add(
                f"nDCG@10 matcher vs PostgreSQL, {direction.replace('_', ' ')}",
                f"{m:.3f} vs {b:.3f} (+{m - b:.3f})",
                "wide margin",
                m - b >= 0.15,
                "margin taken as ≥ 0.15, as in docs/matching.md",
            )
    return rows


def render(results: dict) -> str:
    meta, p = results["meta"], results["phases"]
    machine, versions = meta["machine"], meta["versions"]
    out = [
        f"# Maillage benchmark, {meta['scale']} ({meta['vendors']:,} vendors, {meta['challenges']:,} challenges)",
        "",
        f"Run {meta['started_at']} → {meta.get('finished_at', '?')}"
        + (
            " — **quick smoke run: too few samples for the numbers to mean anything**"
            if meta["quick"]
            else ""
        )
        + (
            f" — **partial run, stopped after `{meta['stopped_after']}`**"
            if meta.get("stopped_after")
            else ""
        ),
        "",
        f"Machine: {machine['nproc']} cores ({machine['cpu']}), {machine['memory_gib']} GiB, Linux {machine['kernel']}; "
        f"load average at start {machine['load_average_at_start']}, at end {machine.get('load_average_at_end')} "
        "(the machine is shared: see each phase's load average in results.json).",
        "",
        "Versions: " + ", ".join(f"{name} {value}" for name, value in versions.items()) + ".",
        "",
        f"Database `{meta['database']}`, index prefix `{meta['index_prefix']}`, gunicorn {meta['web_workers']} sync "
        f"workers, DEBUG off; {meta['queries_per_workload']} queries per workload, {meta['freshness_writes']} "
        "freshness writes.",
    ]
    if "quality" in p:
        q = p["quality"]
        rows = []
        for system, label in (
            ("matcher", "matcher (OpenSearch)"),
            ("postgres_fts", "PostgreSQL full text"),
            ("bm25_baseline", "plain BM25 (OpenSearch, standard analyzer)"),
        ):
            for direction in ("challenge_to_vendor", "vendor_to_challenge"):
                m = q[system][direction]
                rows.append(
                    [
                        label,
                        direction.replace("_to_", " → "),
                        m["queries"],
                        m["ndcg@10"],
                        m["p@5"],
                        m["mrr"],
                        m["recall@20"],
                    ]
                )
        out += [
            "",
            "## Quality on the development catalogue",
            "",
            _table(["System", "Direction", "Queries", "nDCG@10", "P@5", "MRR", "Recall@20"], rows),
        ]
    if "import" in p:
        i, r = p["import"], p.get("reindex", {})
        rows = [
            [
                "import (`catalog_import`, one transaction)",
                i["records"],
                i["seconds"],
                f"{i['records_per_s']} records/s",
            ]
        ]
        if r:
            docs = sum(r["documents"].values())
            rows.append(
                [
                    "full reindex (`index_rebuild_all`), database → searchable",
                    docs,
                    r["seconds"],
                    f"{r['documents_per_s']} documents/s",
                ]
            )
        if "postgres_fts_build" in p:
            rows.append(
                [
                    "PostgreSQL baseline: tsvector tables + GIN indexes",
                    i["records"],
                    p["postgres_fts_build"]["seconds"],
                    "–",
                ]
            )
        out += [
            "",
            "## Import and reindex",
            "",
            _table(["Operation", "Records", "Seconds", "Throughput"], rows),
        ]
    if "matcher_engine" in p:
        m, a = p["matcher_engine"], p.get("api", {})
        rows = []
        for direction in ("challenge_to_vendors", "vendor_to_challenges"):
            engine, pg, api = m[direction], m[f"postgres_{direction}"], a.get(direction, {})
            label = direction.replace("_to_", " → ")
            rows.append(
                [
                    f"matcher, {label}, engine call",
                    engine["n"],
                    engine["p50_ms"],
                    engine["p95_ms"],
                    engine["p99_ms"],
                    "1.00",
                ]
            )
            if api:
                rows.append(
                    [
                        f"matcher, {label}, through the API",
                        api["n"],
                        api["p50_ms"],
                        api["p95_ms"],
                        api["p99_ms"],
                        _cell(ratio(api["p95_ms"], engine["p95_ms"])),
                    ]
                )
            rows.append(
                [
                    f"PostgreSQL full text, {label}",
                    pg["n"],
                    pg["p50_ms"],
                    pg["p95_ms"],
                    pg["p99_ms"],
                    _cell(ratio(pg["p95_ms"], engine["p95_ms"])),
                ]
            )
        out += [
            "",
            "## Matcher latency (ms), next to the PostgreSQL baseline",
            "",
            "Ratio: p95 over the engine call's p95 in the same direction.",
            "",
            _table(["Workload", "Queries", "p50", "p95", "p99", "p95 ratio"], rows),
        ]
    if "quality" in p and "matcher_engine" in p:
        q, m = p["quality"], p["matcher_engine"]
        rows = []
        for qd, md in (
            ("challenge_to_vendor", "challenge_to_vendors"),
            ("vendor_to_challenge", "vendor_to_challenges"),
        ):
            rows.append(
                [
                    md.replace("_to_", " → "),
                    q["matcher"][qd]["ndcg@10"],
                    q["postgres_fts"][qd]["ndcg@10"],
                    m[md]["p95_ms"],
                    m[f"postgres_{md}"]["p95_ms"],
                    _cell(ratio(m[f"postgres_{md}"]["p95_ms"], m[md]["p95_ms"])),
                ]
            )
        out += [
            "",
            "## What the search engine buys, in one table",
            "",
            _table(
                [
                    "Direction",
                    "nDCG@10 matcher",
                    "nDCG@10 PostgreSQL",
                    "p95 matcher (ms)",
                    "p95 PostgreSQL (ms)",
                    "PostgreSQL p95 / matcher p95",
                ],
                rows,
            ),
        ]
    if "search_engine" in p:
        s, a = p["search_engine"], p.get("api", {})
        rows = []
        for name in ("opportunity_search", "vendor_search"):
            sel = s[name]
            rows.append(
                [f"{name.replace('_', ' ')}, selector", sel["n"], sel["p50_ms"], sel["p95_ms"], sel["p99_ms"]]
            )
            if name in a:
                rows.append(
                    [
                        f"{name.replace('_', ' ')}, through the API",
                        a[name]["n"],
                        a[name]["p50_ms"],
                        a[name]["p95_ms"],
                        a[name]["p99_ms"],
                    ]
                )
        out += [
            "",
            "## Search with facets (ms)",
            "",
            _table(["Workload", "Queries", "p50", "p95", "p99"], rows),
        ]
    if "http_load" in p:
        h = p["http_load"]
        rows = [
            [
                key.replace("@c", ", c="),
                v["requests"],
                v["requests_per_s"],
                v["p50_ms"],
                v["p95_ms"],
                v["p99_ms"],
                v["errors"],
            ]
            for key, v in h.items()
            if isinstance(v, dict)
        ]
        out += [
            "",
            f"## HTTP load ({h['tool']}, {h['seconds_per_run']} s per level)",
            "",
            _table(
                [
                    "Endpoint, concurrency",
                    "Requests",
                    "Requests/s",
                    "p50 (ms)",
                    "p95 (ms)",
                    "p99 (ms)",
                    "Errors",
                ],
                rows,
            ),
            "",
            h.get("note", ""),
        ]
    if "freshness" in p:
        f = p["freshness"]
        c, r = f["from_committed_response"], f["from_request_start"]
        out += [
            "",
            "## Freshness (API write → visible in search)",
            "",
            _table(
                ["Measured from", "Writes seen", "p50 (ms)", "p95 (ms)", "p99 (ms)", "max (ms)"],
                [
                    [
                        "the committed response",
                        c.get("n"),
                        c.get("p50_ms"),
                        c.get("p95_ms"),
                        c.get("p99_ms"),
                        c.get("max_ms"),
                    ],
                    [
                        "the request start",
                        r.get("n"),
                        r.get("p50_ms"),
                        r.get("p95_ms"),
                        r.get("p99_ms"),
                        r.get("max_ms"),
                    ],
                ],
            ),
            "",
            f"Not visible within 30 s: {f['not_visible_within_30s']}.",
        ]
    if "memory" in p:
        mem = p["memory"]
        rows = [
            [
                name.replace("_", " "),
                v["processes"],
                v["peak_total_mib"],
                v["peak_process_mib"],
                max(v["hwm"].values()) if v["hwm"] else None,
            ]
            for name, v in mem.items()
            if isinstance(v, dict)
        ]
        out += [
            "",
            "## Peak memory (MiB)",
            "",
            _table(
                ["Processes", "Count", "Peak total RSS", "Peak RSS of one process", "Largest VmHWM"], rows
            ),
            "",
            mem["note"],
        ]
    out += ["", "## Targets", "", _table(["Target", "Measured", "Goal", "Verdict", "Note"], targets(results))]
    return "\n".join(out) + "\n"


def compare(paths: list[Path]) -> str:
    """One table across scales, each row's growth against the smallest scale."""
    runs = sorted((json.loads(path.read_text()) for path in paths), key=lambda r: r["meta"]["vendors"])
    first = runs[0]["phases"]

    def get(run: dict, *keys):
        value = run["phases"]
        for key in keys:
            value = value.get(key, {}) if isinstance(value, dict) else {}
        return value if value != {} else None

    metrics = [
        ("import, records/s", ("import", "records_per_s")),
        ("reindex, documents/s", ("reindex", "documents_per_s")),
        ("reindex, seconds", ("reindex", "seconds")),
        ("matcher challenge → vendors, engine p95 ms", ("matcher_engine", "challenge_to_vendors", "p95_ms")),
        ("matcher challenge → vendors, API p95 ms", ("api", "challenge_to_vendors", "p95_ms")),
        (
            "PostgreSQL challenge → vendors, p95 ms",
            ("matcher_engine", "postgres_challenge_to_vendors", "p95_ms"),
        ),
        ("matcher vendor → challenges, engine p95 ms", ("matcher_engine", "vendor_to_challenges", "p95_ms")),
        ("matcher vendor → challenges, API p95 ms", ("api", "vendor_to_challenges", "p95_ms")),
        (
            "PostgreSQL vendor → challenges, p95 ms",
            ("matcher_engine", "postgres_vendor_to_challenges", "p95_ms"),
        ),
        ("opportunity search, API p95 ms", ("api", "opportunity_search", "p95_ms")),
        ("vendor search, API p95 ms", ("api", "vendor_search", "p95_ms")),
        ("opportunity search c=32, req/s", ("http_load", "opportunity_search@c32", "requests_per_s")),
        ("opportunity search c=32, p95 ms", ("http_load", "opportunity_search@c32", "p95_ms")),
        (
            "opportunity search uncached c=32, req/s",
            ("http_load", "opportunity_search_uncached@c32", "requests_per_s"),
        ),
        (
            "opportunity search uncached c=32, p95 ms",
            ("http_load", "opportunity_search_uncached@c32", "p95_ms"),
        ),
        ("freshness p95 ms", ("freshness", "from_committed_response", "p95_ms")),
        ("search node peak RSS MiB", ("memory", "search_node", "peak_total_mib")),
    ]
    header = (
        ["Measure"]
        + [f"{r['meta']['scale']}" for r in runs]
        + [f"{r['meta']['scale']} / {runs[0]['meta']['scale']}" for r in runs[1:]]
    )
    rows = []
    for label, keys in metrics:
        values = [get(run, *keys) for run in runs]
        base = get({"phases": first}, *keys)
        rows.append(
            [
                label,
                *values,
                *(f"×{ratio(v, base)}" if ratio(v, base) is not None else "–" for v in values[1:]),
            ]
        )
    return _table(header, rows)
