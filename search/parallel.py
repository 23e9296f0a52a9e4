"""Fact extraction over many articles, spread across processes when it pays.

Extraction is pure CPU work in Python, so threads would not help; a process
pool does, but costs a model load per worker, so small batches stay in-process.
A failure on one article never stops a batch: that article gets no facts and
the failure is reported.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import chain, islice
from typing import Any

# Forked workers die with this process (search/forkguard.py).
from . import forkguard  # noqa: F401
from .model import Article, Fact

PARALLEL_THRESHOLD = 400
"""Below this many articles a pool's start-up costs more than it saves."""

Extractor = Callable[[Article], list[Fact]]
Outcome = tuple[list[Fact], str | None]
Prepare = Callable[[Article, list[Fact]], Any]
"""Turns an article's facts into what the caller keeps of them, where they were extracted."""

_worker_extract: Extractor | None = None


def default_fact_extractor() -> Extractor:
    """The fact engine, loaded lazily: the model takes a moment to load."""
    from .facts.extract import extract_facts

    def extract(article: Article) -> list[Fact]:
        return extract_facts(article.body, article.date)

    return extract


def _init_worker() -> None:
    global _worker_extract
    _worker_extract = default_fact_extractor()


def _guarded(extract: Extractor, article: Article) -> Outcome:
    try:
        return extract(article), None
    except Exception as exc:  # one odd article must not cost the batch
        return (
            [],
            f"{article.path or article.id}: facts not extracted ({type(exc).__name__}: {exc})",
        )


def _prepared(
    extract: Extractor, article: Article, prepare: Prepare | None
) -> tuple[Any, str | None]:
    facts, note = _guarded(extract, article)
    return (facts if prepare is None else prepare(article, facts)), note


def _extract_chunk(chunk: list[Article], prepare: Prepare | None) -> list[tuple[Any, str | None]]:
    assert _worker_extract is not None
    return [_prepared(_worker_extract, a, prepare) for a in chunk]


def worker_count() -> int:
    configured = os.environ.get("FIELDBRIEF_WORKERS")
    if configured and configured.isdigit():
        return max(1, int(configured))
    return max(1, min(4, os.cpu_count() or 1))


def extract_stream(
    articles: Iterable[Article],
    extractor: Extractor,
    *,
    use_pool: bool = False,
    chunk: int = 50,
    prepare: Prepare | None = None,
) -> Iterator[tuple[Article, tuple[Any, str | None]]]:
    """Each article with its facts (or what ``prepare`` made of them), in order,
    as soon as they are ready.

    This never holds the whole input: at most a few chunks per worker are in
    flight, so memory stays flat however large the library being added, and
    the caller can store and index each chunk while the workers extract the
    next ones. ``prepare`` (a module-level function, so a worker can be sent
    it) runs in the worker: what it returns is what is pickled back.
    """
    stream = iter(articles)
    head = list(islice(stream, PARALLEL_THRESHOLD))
    workers = worker_count()
    if not use_pool or len(head) < PARALLEL_THRESHOLD or workers == 1:
        for article in chain(head, stream):
            yield article, _prepared(extractor, article, prepare)
        return
    pending: deque[tuple[list[Article], Future[list[tuple[Any, str | None]]]]] = deque()
    rest = iter(lambda: list(islice(stream, chunk)), [])
    chunks = (head[i : i + chunk] for i in range(0, len(head), chunk))
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker) as pool:
        for source in (chunks, rest):
            for part in source:
                pending.append((part, pool.submit(_extract_chunk, part, prepare)))
                if len(pending) >= workers * 4:
                    done_part, future = pending.popleft()
                    yield from zip(done_part, future.result(), strict=True)
        while pending:
            done_part, future = pending.popleft()
            yield from zip(done_part, future.result(), strict=True)
