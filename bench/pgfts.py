"""The PostgreSQL full-text alternative: what a team would build instead of a search engine.

Model-free and bench-only: two tables built with SQL from the same rows the matcher indexes, each
with one `tsvector` that holds the text analysed for French and for English
(`to_tsvector('french', …) || to_tsvector('english', …)`, what `django.contrib.postgres.search`'s
`SearchVector(…, config=…)` produces), a GIN index, and `ts_rank` (what `SearchRank` calls).

A challenge or a vendor profile is hundreds of words: as a single `plainto_tsquery` (every word
required) it matches nothing, and OR-ing every word matches everything and ranks by noise. So the
text is reduced to its TOP_TERMS most distinctive lexemes (term frequency in the text times the
inverse document frequency in the searched table, both analyses) OR-ed together, the usual way to
run "more like this" on PostgreSQL. 16 is the best of 8, 16, 24, 32, 48 and "all" on the development
catalogue's judgments (docs/benchmarks.md): the baseline gets its best setting, as the matcher did. The same hard eligibility filters as the matcher apply
(active and verified vendor, SME ceiling, published challenge); the ranking is ts_rank alone.
"""

import time

from django.db import connection

TOP_TERMS = 16
DEPTH = 20

BUILD = """
DROP TABLE IF EXISTS bench_fts_vendor, bench_fts_vendor_terms, bench_fts_challenge, bench_fts_challenge_terms;

CREATE TABLE bench_fts_vendor AS
SELECT v.id, v.employees, v.is_active, v.is_verified,
       setweight(to_tsvector('french', v.name || ' ' || v.description), 'A')
       || setweight(to_tsvector('english', v.name || ' ' || v.description), 'A')
       || setweight(to_tsvector('french', coalesce(r.text, '')), 'B')
       || setweight(to_tsvector('english', coalesce(r.text, '')), 'B') AS document
FROM marketplace_vendor v
LEFT JOIN (
    SELECT vendor_id, string_agg(title || '. ' || summary, ' ') AS text
    FROM marketplace_vendorreference GROUP BY vendor_id
) r ON r.vendor_id = v.id;
ALTER TABLE bench_fts_vendor ADD PRIMARY KEY (id);
CREATE INDEX bench_fts_vendor_document ON bench_fts_vendor USING GIN (document);

CREATE TABLE bench_fts_challenge AS
SELECT c.id, c.status, c.max_employees,
       setweight(to_tsvector('french', c.title), 'A') || setweight(to_tsvector('english', c.title), 'A')
       || setweight(to_tsvector('french', c.description), 'B')
       || setweight(to_tsvector('english', c.description), 'B') AS document
FROM marketplace_challenge c;
ALTER TABLE bench_fts_challenge ADD PRIMARY KEY (id);
CREATE INDEX bench_fts_challenge_document ON bench_fts_challenge USING GIN (document);

-- Document frequencies, for choosing the distinctive terms of a long text.
CREATE TABLE bench_fts_vendor_terms AS SELECT word, ndoc FROM ts_stat('SELECT document FROM bench_fts_vendor');
ALTER TABLE bench_fts_vendor_terms ADD PRIMARY KEY (word);
CREATE TABLE bench_fts_challenge_terms AS SELECT word, ndoc FROM ts_stat('SELECT document FROM bench_fts_challenge');
ALTER TABLE bench_fts_challenge_terms ADD PRIMARY KEY (word);
ANALYZE bench_fts_vendor, bench_fts_vendor_terms, bench_fts_challenge, bench_fts_challenge_terms;
"""

DROP = "DROP TABLE IF EXISTS bench_fts_vendor, bench_fts_vendor_terms, bench_fts_challenge, bench_fts_challenge_terms;"

# One statement per ranking: reduce the text to a tsquery, then filter and rank with it.
_REDUCE = """
WITH terms AS (
    SELECT t.lexeme, coalesce(array_length(t.positions, 1), 1) AS tf
    FROM unnest(to_tsvector('french', %(text)s) || to_tsvector('english', %(text)s)) AS t
), chosen AS (
    SELECT terms.lexeme FROM terms JOIN {terms_table} s ON s.word = terms.lexeme
    ORDER BY terms.tf * ln((SELECT count(*) FROM {table})::float / s.ndoc) DESC, terms.lexeme
    LIMIT %(top)s
), q AS (
    SELECT string_agg(quote_literal(lexeme), ' | ')::tsquery AS query FROM chosen
)
"""

VENDORS_FOR_CHALLENGE = (
    _REDUCE.format(terms_table="bench_fts_vendor_terms", table="bench_fts_vendor")
    + """
SELECT v.id FROM bench_fts_vendor v, q
WHERE v.document @@ q.query AND v.is_active AND v.is_verified
  AND (%(max_employees)s::int IS NULL OR v.employees <= %(max_employees)s::int)
ORDER BY ts_rank(v.document, q.query) DESC, v.id
LIMIT %(depth)s
"""
)

CHALLENGES_FOR_VENDOR = (
    _REDUCE.format(terms_table="bench_fts_challenge_terms", table="bench_fts_challenge")
    + """
SELECT c.id FROM bench_fts_challenge c, q
WHERE c.document @@ q.query AND c.status = 'published'
  AND (c.max_employees IS NULL OR c.max_employees >= %(employees)s)
ORDER BY ts_rank(c.document, q.query) DESC, c.id
LIMIT %(depth)s
"""
)


def fts_build() -> float:
    """Build the baseline's tables and GIN indexes from the marketplace tables; return the seconds taken."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(BUILD)
    return time.perf_counter() - started


def fts_drop() -> None:
    with connection.cursor() as cursor:
        cursor.execute(DROP)


def vendors_for_challenge(
    *, text: str, max_employees: int | None, top: int = TOP_TERMS, depth: int = DEPTH
) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            VENDORS_FOR_CHALLENGE, {"text": text, "max_employees": max_employees, "top": top, "depth": depth}
        )
        return [row[0] for row in cursor.fetchall()]


def challenges_for_vendor(
    *, text: str, employees: int, top: int = TOP_TERMS, depth: int = DEPTH
) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            CHALLENGES_FOR_VENDOR, {"text": text, "employees": employees, "top": top, "depth": depth}
        )
        return [row[0] for row in cursor.fetchall()]
