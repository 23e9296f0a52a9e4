"""Fact extraction over many articles, spread across processes when it pays.

Extraction is pure CPU work in Python, so threads would not help; a process
pool does, but costs a model load per worker, so small batches stay in-process.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

from .model import Article, Fact

if TYPE_CHECKING:
    from .library import FactExtractor

PARALLEL_THRESHOLD = 400
"""Below this many articles a pool's start-up costs more than it saves."""

_worker_extract: Callable[[Article], list[Fact]] | None = None


def _init_worker() -> None:
    global _worker_extract
    from .library import default_fact_extractor

    _worker_extract = default_fact_extractor()


def _extract_chunk(chunk: list[Article]) -> list[list[Fact]]:
    assert _worker_extract is not None
    return [_worker_extract(a) for a in chunk]


def worker_count() -> int:
    configured = os.environ.get("FIELDBRIEF_WORKERS")
    if configured and configured.isdigit():
        return max(1, int(configured))
    return max(1, min(4, (os.cpu_count() or 1)))


def extract_facts_parallel(
    articles: list[Article],
    extractor: FactExtractor,
    *,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[list[Fact]]:
    from .library import default_fact_extractor

    workers = worker_count()
    # Custom extractors (tests) may not be importable in a child process.
    is_default = getattr(extractor, "__qualname__", "").startswith("default_fact_extractor")
    if len(articles) < PARALLEL_THRESHOLD or workers == 1 or not is_default:
        out = []
        for n, article in enumerate(articles, 1):
            out.append(extractor(article))
            if progress and n % 200 == 0:
                progress(n, len(articles), "extracting facts")
        return out
    del default_fact_extractor
    chunk = 100
    chunks = [articles[i : i + chunk] for i in range(0, len(articles), chunk)]
    results: list[list[Fact]] = []
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker) as pool:
        for n, part in enumerate(pool.map(_extract_chunk, chunks), 1):
            results.extend(part)
            if progress:
                progress(min(n * chunk, len(articles)), len(articles), "extracting facts")
    return results
