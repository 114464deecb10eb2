"""The benchmark run: one scale, on the real services, in its own database and index prefix.

Phases, in order (each records its numbers and the machine's load average):
quality (development catalogue) → generate → import → reindex → PostgreSQL baseline build →
matcher and search latency at the engine → gunicorn and Celery up → the same through the API →
HTTP load → freshness → memory. Everything it created is removed at the end unless --keep.
"""

import json
import os
import platform
import random
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import psycopg
import requests

from bench.generator import DEV_CATALOG, SCALES, generate, proportions
from bench.load import load_tool, run_python, run_wrk, wrk_version
from bench.processes import MemorySampler, free_port, search_node_pid, start_celery, start_gunicorn
from bench.stats import summary_ms

PROJECT = Path(__file__).resolve().parent.parent


@dataclass
class Options:
    scale: str
    quick: bool
    keep: bool
    out: Path
    pg: str
    db: str
    prefix: str
    broker: str
    search_url: str
    queries: int
    writes: int
    load_seconds: float
    load: str
    web_workers: int
    seed: int
    until: str | None = None


def _log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", flush=True)


def _environment(options: Options) -> dict:
    """Production settings (DEBUG off, a secret key from the environment), over plain HTTP on loopback:
    secure cookies, the HTTPS redirect and HSTS off, as for any plain-http deployment behind no proxy."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hub.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_SSL_REDIRECT": "0",
        "DJANGO_HSTS_SECONDS": "0",
        # The API's rate limits are per client address and per user; every request here comes from one
        # address and two users, so a load test would measure the throttle. Empty means no limit.
        "API_THROTTLE_ANON": "",
        "API_THROTTLE_USER": "",
        "DATABASE_URL": f"{options.pg}/{options.db}",
        "CELERY_BROKER_URL": options.broker,
        "SEARCH_URL": options.search_url,
        "SEARCH_INDEX_PREFIX": options.prefix,
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(PROJECT),
    }


def busiest_processes(count: int = 6) -> list[str]:
    """What else is using the CPU (the machine is shared): `ps`'s busiest processes, as lines."""
    result = subprocess.run(["ps", "-eo", "pcpu,rss,comm", "--sort=-pcpu"], capture_output=True, text=True)
    return [" ".join(line.split()) for line in result.stdout.splitlines()[1 : count + 1]]


def _admin_sql(options: Options, statement: str) -> None:
    with psycopg.connect(f"{options.pg}/maillage", autocommit=True) as connection:
        connection.execute(statement)


class Run:
    def __init__(self, options: Options) -> None:
        self.options = options
        self.rng = random.Random(options.seed)
        self.results: dict = {"phases": {}}
        self.env = _environment(options)
        self.services: list = []
        self.sampler = MemorySampler()
        self.warmup = min(20, options.queries // 6)  # Requests sent first and not counted, per workload.
        # Logs and load scripts stay out of the report's folder (which may be committed), under .var/.
        self.workdir = PROJECT / ".var" / "bench" / f"work-{options.prefix}"
        self.workdir.mkdir(parents=True, exist_ok=True)

    # Helpers

    def phase(self, name: str, data: dict) -> None:
        data["load_average"] = [round(value, 2) for value in os.getloadavg()]
        data["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        self.results["phases"][name] = data
        self.write()

    def write(self) -> None:
        self.options.out.mkdir(parents=True, exist_ok=True)
        (self.options.out / "results.json").write_text(json.dumps(self.results, indent=2, ensure_ascii=False))

    # Setup and teardown

    def setup(self) -> None:
        os.environ.update(self.env)
        _admin_sql(self.options, f'DROP DATABASE IF EXISTS "{self.options.db}" WITH (FORCE)')
        _admin_sql(self.options, f'CREATE DATABASE "{self.options.db}"')
        import django

        django.setup()
        from django.core.management import call_command

        from matching.search.client import engine

        engine().indices.delete(index=f"{self.options.prefix}-*", ignore_unavailable=True)
        call_command("migrate", verbosity=0, interactive=False)
        node = search_node_pid(PROJECT)
        if node:
            self.sampler.watch("search_node", node, with_children=False)
        self.sampler.start()
        self.results["meta"] = self.meta()

    def teardown(self) -> None:
        for service in reversed(self.services):
            service.stop()
        if self.options.keep:
            return
        from django.db import connections as databases

        from matching.search.client import engine

        engine().indices.delete(index=f"{self.options.prefix}-*", ignore_unavailable=True)
        databases.close_all()
        _admin_sql(self.options, f'DROP DATABASE IF EXISTS "{self.options.db}" WITH (FORCE)')

    def meta(self) -> dict:
        import django
        import elasticsearch
        import elasticsearch_dsl
        import gunicorn
        import rest_framework
        from celery import __version__ as celery_version
        from django.db import connection

        from matching.search.client import engine

        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            postgres = cursor.fetchone()[0]
        node = engine().info()["version"]
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        memory = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        scale = SCALES[self.options.scale]
        return {
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "scale": scale.name,
            "vendors": scale.vendors,
            "challenges": scale.challenges,
            "quick": self.options.quick,
            "seed": self.options.seed,
            "queries_per_workload": self.options.queries,
            "freshness_writes": self.options.writes,
            "machine": {
                "nproc": os.cpu_count(),
                "cpu": cpu,
                "memory_gib": round(memory / 1024 / 1024, 1),
                "kernel": platform.release(),
                "load_average_at_start": [round(value, 2) for value in os.getloadavg()],
                "busiest_processes_at_start": busiest_processes(),
            },
            "versions": {
                "python": platform.python_version(),
                "django": django.get_version(),
                "djangorestframework": rest_framework.VERSION,
                "elasticsearch-py": elasticsearch.__versionstr__,
                "elasticsearch-dsl": ".".join(map(str, elasticsearch_dsl.VERSION)),
                "gunicorn": gunicorn.__version__,
                "celery": celery_version,
                "postgresql": postgres,
                "search_node": f"{node.get('distribution', 'elasticsearch')} {node['number']} (Lucene {node['lucene_version']})",
                "load_tool": wrk_version() if load_tool(self.options.load) == "wrk" else "python fixed-rate",
            },
            "database": self.options.db,
            "index_prefix": self.options.prefix,
            "web_workers": self.options.web_workers,
        }

    # Phases

    def quality(self) -> None:
        """nDCG@10 and friends on the development catalogue: matcher, BM25 baseline, PostgreSQL baseline."""
        from bench.quality import pg_baseline_quality
        from marketplace.catalog import catalog_load
        from matching.evaluation import evaluate_catalog

        data = catalog_load(DEV_CATALOG)
        started = time.perf_counter()
        engine = evaluate_catalog(data)
        postgres = pg_baseline_quality(data)
        self.phase(
            "quality",
            {
                "catalog": "marketplace/fixtures/catalog-dev.json",
                "matcher": engine["matcher"],
                "bm25_baseline": engine["baseline"],
                "postgres_fts": postgres,
                "seconds": round(time.perf_counter() - started, 1),
            },
        )

    def import_catalog(self) -> dict:
        from marketplace.catalog import catalog_import

        scale = SCALES[self.options.scale]
        started = time.perf_counter()
        data = generate(scale=scale, seed=self.options.seed)
        generated = time.perf_counter() - started
        started = time.perf_counter()
        report = catalog_import(data=data)
        seconds = time.perf_counter() - started
        records = len(data["vendors"]) + len(data["challenges"])
        self.phase(
            "import",
            {
                "generate_seconds": round(generated, 2),
                "proportions": proportions(data),
                "records": records,
                "references": sum(len(v["references"]) for v in data["vendors"]),
                "created": report.created,
                "seconds": round(seconds, 2),
                "records_per_s": round(records / seconds, 1),
            },
        )
        return data

    def reindex(self) -> None:
        from hub.celery import app
        from matching.search.client import engine_count
        from matching.search.documents import index_alias
        from matching.search.kinds import INDEXED_KINDS
        from matching.search.outbox import index_rebuild_all

        app.control.purge()  # The import queued one drain; the rebuild below does its work.
        started = time.perf_counter()
        index_rebuild_all()
        seconds = time.perf_counter() - started
        counts = {kind.index_name: engine_count(index=index_alias(kind)) for kind in INDEXED_KINDS}
        documents = sum(counts.values())
        self.phase(
            "reindex",
            {
                "documents": counts,
                "seconds": round(seconds, 2),
                "documents_per_s": round(documents / seconds, 1),
                "note": "manage.py reindex: build new indexes from the database, bulk-load, refresh, swap "
                "aliases, check and replay; searchable when it returns.",
            },
        )

    def pg_build(self) -> None:
        from bench.pgfts import fts_build

        self.phase("postgres_fts_build", {"seconds": round(fts_build(), 2)})

    def _samples(self):
        from marketplace.models import Challenge, Vendor

        n = self.options.queries
        challenge_ids = sorted(Challenge.objects.values_list("pk", flat=True))
        vendor_ids = sorted(Vendor.objects.values_list("pk", flat=True))
        challenges = [challenge_ids[i % len(challenge_ids)] for i in range(n)]
        self.rng.shuffle(challenges)
        vendors = self.rng.sample(vendor_ids, min(n, len(vendor_ids)))
        return challenges, vendors

    def matcher_engine(self) -> None:
        """Each ranking timed at the engine call (client round trip), its profile built beforehand;
        the PostgreSQL baseline runs the same rankings."""
        from elasticsearch import TransportError

        from bench import pgfts
        from marketplace.models import Challenge, Vendor
        from matching.search.client import NAMED_SCORES
        from matching.search.client import engine as search_engine
        from matching.search.documents import index_alias
        from matching.search.kinds import SearchKind
        from matching.search.queries import challenges_for_vendor_query, vendors_for_challenge_query
        from matching.search.ranking import challenge_profile, indexed_documents, vendor_profile

        # The raw client: the round trip is what is timed, and every engine error is counted as such.
        client = search_engine()
        challenge_ids, vendor_ids = self._samples()
        self.challenge_ids, self.vendor_ids = challenge_ids, vendor_ids
        challenges = Challenge.objects.prefetch_related("expertise", "regions").in_bulk(set(challenge_ids))
        vendors = Vendor.objects.prefetch_related("expertise", "regions", "references").in_bulk(vendor_ids)
        to_vendors = [(challenges[pk], challenge_profile(challenges[pk])) for pk in challenge_ids]
        to_challenges = [(vendors[pk], vendor_profile(vendors[pk])) for pk in vendor_ids]

        def engine(kind: SearchKind, bodies: list[dict]) -> dict:
            for body in bodies[: self.warmup]:  # Warm-up, not counted.
                client.search(index=index_alias(kind), body=body, params=NAMED_SCORES)
            times, took, errors = [], [], []
            for body in bodies:
                started = time.perf_counter()
                try:
                    response = client.search(index=index_alias(kind), body=body, params=NAMED_SCORES)
                except TransportError as error:  # Counted and shown: the API would answer 500 here.
                    errors.append(str(error.info)[:300] if error.info else str(error))
                    continue
                times.append(time.perf_counter() - started)
                took.append(response["took"] / 1000)
            return {
                **summary_ms(times),
                "engine_took": summary_ms(took),
                "errors": len(errors),
                "first_error": errors[0] if errors else None,
            }

        def postgres(calls: list) -> dict:
            for call in calls[: self.warmup]:
                call()
            times = []
            for call in calls:
                started = time.perf_counter()
                call()
                times.append(time.perf_counter() - started)
            return summary_ms(times)

        size = {"from": 0, "size": 20}
        vendor_count = indexed_documents(SearchKind.VENDOR)
        challenge_count = indexed_documents(SearchKind.CHALLENGE)
        self.phase(
            "matcher_engine",
            {
                "challenge_to_vendors": engine(
                    SearchKind.VENDOR,
                    [
                        {**vendors_for_challenge_query(profile, indexed=vendor_count), **size}
                        for _c, profile in to_vendors
                    ],
                ),
                "vendor_to_challenges": engine(
                    SearchKind.CHALLENGE,
                    [
                        {**challenges_for_vendor_query(profile, indexed=challenge_count), **size}
                        for _v, profile in to_challenges
                    ],
                ),
                "postgres_challenge_to_vendors": postgres(
                    [
                        (
                            lambda c=c, p=p: pgfts.vendors_for_challenge(
                                text=p.text, max_employees=c.max_employees
                            )
                        )
                        for c, p in to_vendors
                    ]
                ),
                "postgres_vendor_to_challenges": postgres(
                    [
                        (lambda v=v, p=p: pgfts.challenges_for_vendor(text=p.text, employees=v.employees))
                        for v, p in to_challenges
                    ]
                ),
            },
        )

    def search_queries(self) -> tuple[list[dict], list[dict]]:
        """Search requests as people make them: one to three words (French or English, from the
        taxonomy and the catalogue's frequent words), often a facet, sometimes facets alone."""
        from bench.quality import frequent_words
        from marketplace.models import Expertise, Region

        words = frequent_words()
        expertise = sorted(Expertise.objects.values_list("code", flat=True))
        regions = sorted(Region.objects.values_list("code", flat=True))
        rng = random.Random(self.options.seed + 1)

        def one(kind: str) -> dict:
            params: dict = {}
            if rng.random() < 0.85:
                params["q"] = " ".join(rng.sample(words, rng.choice([1, 1, 2, 2, 3])))
            if rng.random() < 0.5:
                params["expertise"] = [rng.choice(expertise)]
            if rng.random() < 0.3:
                params["region"] = [rng.choice(regions)]
            if rng.random() < 0.2:
                params["language"] = [rng.choice(["fr", "en"])]
            return params

        n = self.options.queries
        return [one("challenge") for _ in range(n)], [one("vendor") for _ in range(n)]

    def search_engine(self) -> None:
        from django.contrib.auth.models import AnonymousUser

        from marketplace.visibility import ProfileVisibility
        from matching.search.people import challenge_search, vendor_search

        # As a ministry member searches: each firm's public sections only (one text clause per combination).
        vendor_search = partial(vendor_search, visibility=ProfileVisibility(user=AnonymousUser()))
        challenge_queries, vendor_queries = self.search_queries()
        self.challenge_queries, self.vendor_queries = challenge_queries, vendor_queries

        def timed(function, queries: list[dict]) -> dict:
            for params in queries[: self.warmup]:
                params = dict(params)
                function(q=params.pop("q", ""), filters=params)
            times, hits = [], []
            for params in queries:
                params = dict(params)
                started = time.perf_counter()
                results = function(q=params.pop("q", ""), filters=params)
                times.append(time.perf_counter() - started)
                hits.append(results.count)
            return {**summary_ms(times), "mean_hits": round(sum(hits) / len(hits), 1)}

        self.phase(
            "search_engine",
            {
                "note": "the search selector: one engine request (hits, facets, highlights) plus label look-ups",
                "opportunity_search": timed(challenge_search, challenge_queries),
                "vendor_search": timed(vendor_search, vendor_queries),
            },
        )

    def users(self) -> dict[str, str]:
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        from hub.models import Organization, User
        from hub.services import api_token_create

        coordinator = User.objects.create_user(username="bench-coordinator", role=User.Role.COORDINATOR)
        TOTP.activate(
            coordinator, generate_totp_secret()
        )  # Coordinators may use nothing without a second factor.
        member = User.objects.create_user(username="bench-ministry", role=User.Role.MINISTRY_MEMBER)
        Organization.objects.order_by("key").first().members.add(member)
        return {
            "coordinator": f"Token {api_token_create(user=coordinator, label='bench')[1]}",
            "ministry": f"Token {api_token_create(user=member, label='bench')[1]}",
        }

    def start_services(self) -> None:
        out = self.workdir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        gunicorn = start_gunicorn(
            env=self.env, port=self.port, workers=self.options.web_workers, log=out / "gunicorn.log"
        )
        self.services.append(gunicorn)
        self.sampler.watch("web", gunicorn.pid, with_children=True)
        worker = start_celery(
            env=self.env, name=f"bench-{self.options.prefix}", concurrency=2, log=out / "celery.log"
        )
        self.services.append(worker)
        self.sampler.watch("celery_worker", worker.pid, with_children=True)

    def api(self) -> None:
        from urllib.parse import urlencode

        tokens = self.tokens
        session = requests.Session()
        session.headers["Accept"] = "application/json"

        def timed(paths: list[str], token: str | None) -> dict:
            headers = {"Authorization": token} if token else {}
            for path in paths[: self.warmup]:
                session.get(self.base + path, headers=headers, timeout=30)
            times, errors = [], {}
            for path in paths:
                started = time.perf_counter()
                response = session.get(self.base + path, headers=headers, timeout=30)
                times.append(time.perf_counter() - started)
                if response.status_code != 200:
                    errors[str(response.status_code)] = errors.get(str(response.status_code), 0) + 1
            return {**summary_ms(times), "errors": sum(errors.values()), "error_statuses": errors}

        self.search_paths = {
            "opportunity_search": [
                f"/api/v1/search/challenges/?{urlencode(q, doseq=True)}" for q in self.challenge_queries
            ],
            "vendor_search": [
                f"/api/v1/search/vendors/?{urlencode(q, doseq=True)}" for q in self.vendor_queries
            ],
        }
        self.phase(
            "api",
            {
                "note": "sequential requests (one client, keep-alive) to gunicorn; time to the last byte",
                "challenge_to_vendors": timed(
                    [f"/api/v1/challenges/{pk}/matches/?page_size=20" for pk in self.challenge_ids],
                    tokens["coordinator"],
                ),
                "vendor_to_challenges": timed(
                    [f"/api/v1/vendors/{pk}/opportunities/?page_size=20" for pk in self.vendor_ids],
                    tokens["coordinator"],
                ),
                "opportunity_search": timed(self.search_paths["opportunity_search"], None),
                "vendor_search": timed(self.search_paths["vendor_search"], tokens["ministry"]),
            },
        )

    def http_load(self) -> None:
        tool = load_tool(self.options.load)
        opportunity_searches = self.search_paths["opportunity_search"]
        endpoints = {
            "opportunity_search": (opportunity_searches, {}),
            "vendor_search": (self.search_paths["vendor_search"], {"Authorization": self.tokens["ministry"]}),
            "challenge_list": ([f"/api/v1/challenges/?page={1 + i % 5}" for i in range(50)], {}),
        }
        results: dict = {"tool": tool, "seconds_per_run": self.options.load_seconds}
        for name, (paths, headers) in endpoints.items():
            for concurrency in (8, 32):
                results[f"{name}@c{concurrency}"] = self._load(
                    tool, self.base, f"{name}@c{concurrency}", paths, headers, concurrency
                )
        # The same opportunity searches with no answer kept (OPPORTUNITY_CACHE_SECONDS=0): every request
        # asks the engine, as a first-time query does. Measured on web workers of their own.
        port = free_port()
        uncached = start_gunicorn(
            env={**self.env, "OPPORTUNITY_CACHE_SECONDS": "0"},
            port=port,
            workers=self.options.web_workers,
            log=self.workdir / "gunicorn-uncached.log",
        )
        try:
            for concurrency in (8, 32):
                key = f"opportunity_search_uncached@c{concurrency}"
                results[key] = self._load(
                    tool, f"http://127.0.0.1:{port}", key, opportunity_searches, {}, concurrency
                )
        finally:
            uncached.stop()
        results["note"] = (
            "opportunity search: the same searches asked before in the API phase, so answers come "
            "from the cache (matching/search/people.py); uncached: every request asks the engine."
        )
        self.phase("http_load", results)

    def _load(
        self, tool: str, base: str, key: str, paths: list[str], headers: dict, concurrency: int
    ) -> dict:
        _log(f"load {key}")
        if tool == "wrk":
            return run_wrk(
                base=base,
                paths=paths,
                headers=headers,
                concurrency=concurrency,
                duration=self.options.load_seconds,
                workdir=self.workdir,
                name=key,
            )
        return run_python(
            base=base,
            paths=paths,
            headers=headers,
            concurrency=concurrency,
            duration=self.options.load_seconds,
            rate=300.0,
            workdir=self.workdir,
            name=key,
        )

    def freshness(self) -> None:
        """API write → outbox → Celery task → index → visible to a search: the delay, per write."""
        from marketplace.models import Vendor
        from matching.search.client import engine
        from matching.search.documents import index_alias
        from matching.search.kinds import SearchKind

        client = engine()
        alias = index_alias(SearchKind.VENDOR)
        session = requests.Session()
        session.headers.update({"Authorization": self.tokens["coordinator"], "Accept": "application/json"})
        vendors = list(Vendor.objects.filter(pk__in=self.vendor_ids).values_list("pk", "description"))
        from_commit, from_request, missed = [], [], 0
        for number in range(self.options.writes):
            pk, description = vendors[number % len(vendors)]
            token = "fraich" + "".join(
                random.Random(number).choice("bcdfghjklmnpqrstvwxz") for _ in range(10)
            )
            body = {"query": {"match": {"description": token}}, "size": 0, "track_total_hits": True}
            requested = time.perf_counter()
            response = session.patch(
                f"{self.base}/api/v1/vendors/{pk}/",
                json={"description": f"{description} {token}"},
                timeout=30,
            )
            committed = time.perf_counter()
            if response.status_code != 200:
                raise RuntimeError(f"write refused: {response.status_code} {response.text[:300]}")
            while True:
                if client.search(index=alias, body=body)["hits"]["total"]["value"]:
                    seen = time.perf_counter()
                    break
                if time.perf_counter() - committed > 30:
                    seen = None
                    break
                time.sleep(0.002)
            if seen is None:
                missed += 1
                continue
            from_commit.append(seen - committed)
            from_request.append(seen - requested)
        self.phase(
            "freshness",
            {
                "writes": self.options.writes,
                "not_visible_within_30s": missed,
                "from_committed_response": summary_ms(from_commit),
                "from_request_start": summary_ms(from_request),
                "note": "PATCH /api/v1/vendors/{id}/ with a new word in the description, then a search for "
                "that word every 2 ms until it is found; the index refreshes every 1 s.",
            },
        )

    def memory(self) -> None:
        peaks = self.sampler.stop()
        self.phase(
            "memory",
            {
                "note": "RSS sampled every 0.25 s from /proc during the run; hwm is each process's own peak "
                "(VmHWM) since it started: the search node's includes earlier work by others.",
                **peaks,
            },
        )

    def run(self) -> dict:
        steps = [
            ("quality", self.quality),
            ("import", self.import_catalog),
            ("reindex", self.reindex),
            ("postgres_fts_build", self.pg_build),
            ("matcher_engine", self.matcher_engine),
            ("search_engine", self.search_engine),
            ("services", self.start_services),
            ("api", self.api),
            ("http_load", self.http_load),
            ("freshness", self.freshness),
        ]
        self.setup()
        try:
            for name, step in steps:
                _log(f"{name}…")
                started = time.perf_counter()
                if step == self.start_services:
                    self.tokens = self.users()
                step()
                _log(f"{name}: {time.perf_counter() - started:.1f} s")
                if name == self.options.until:
                    self.results["meta"]["stopped_after"] = name
                    break
            self.memory()
        finally:
            self.results["meta"]["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
            self.results["meta"]["machine"]["load_average_at_end"] = [round(v, 2) for v in os.getloadavg()]
            self.results["meta"]["machine"]["busiest_processes_at_end"] = busiest_processes()
            self.write()
            self.teardown()
        from bench.report import render

        (self.options.out / "report.md").write_text(render(self.results))
        return self.results


def run(options: Options) -> dict:
    sys.path.insert(0, str(PROJECT))
    return Run(options).run()
