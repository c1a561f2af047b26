"""Benchmarks: a large, realistic creator data set and the list's latency under it.

``python -m bench.creator_list`` (``make bench``) generates the data set and prints p50 and p95
latency for the creator list page and the list endpoint on SQLite and PostgreSQL.
"""
