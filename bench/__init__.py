"""Benchmarks: how Maillage scales, next to a PostgreSQL full-text baseline (docs/benchmarks.md)."""
