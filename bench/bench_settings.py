"""The product's settings with the benchmark URLs (``bench.bench_urls``): only benchmark servers
started by ``bench.server`` use it."""

from rapport.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bench_urls"
