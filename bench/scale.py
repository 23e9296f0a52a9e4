"""Scaled benchmark corpora generated from the real ones.

The real corpora (Reuters-21578, BBC News, ISOT Reuters 2017; ~22k articles) are
read from ``/work/shared/corpora`` (or ``$FIELDBRIEF_CORPORA``) and never copied
into the repository. A scaled corpus keeps every real article and adds synthetic
ones: each synthetic article takes a real article of one corpus as its base (title,
source, paragraph count, lead paragraph), a date shifted by up to ~4 years, a new
id, and its other paragraphs drawn at random from *other* articles of the same
corpus. Vocabulary, entity and figure statistics therefore stay those of real
news copy, while every body (and so every content-derived article id) is new.

Usage::

    python bench/scale.py --size 200000 --out /tmp/fb-corpus-200k
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

CORPORA_ROOT = Path(os.environ.get("FIELDBRIEF_CORPORA", "/work/shared/corpora"))
CORPORA = {
    "reuters21578": "reuters21578/reuters21578.jsonl.gz",
    "bbc-news": "bbc-news/bbc-news.jsonl",
    "isot-reuters-2017": "isot-reuters-2017-sample/isot-reuters-2017-sample.jsonl",
}


def real_files() -> dict[str, Path]:
    return {name: CORPORA_ROOT / rel for name, rel in CORPORA.items()}


def read_records(path: Path) -> list[dict[str, Any]]:
    opener: Any = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_real() -> dict[str, list[dict[str, Any]]]:
    return {name: read_records(path) for name, path in real_files().items()}


def real_count() -> int:
    return sum(len(v) for v in load_real().values())


def _paragraphs(body: str) -> list[str]:
    parts = [p.strip() for p in body.split("\n\n") if p.strip()]
    if len(parts) <= 1:
        parts = [p.strip() for p in body.split("\n") if p.strip()]
    return parts or [body.strip()]


def _shift(raw: Any, days: int) -> str | None:
    if not raw or not isinstance(raw, str) or len(raw) < 10:
        return None
    try:
        day = date.fromisoformat(raw[:10])
    except ValueError:
        return None
    return (day + timedelta(days=days)).isoformat()


class Synthesizer:
    """Makes new articles from one real corpus, deterministically from a seed."""

    def __init__(self, name: str, records: list[dict[str, Any]], seed: int) -> None:
        self.name = name
        self.records = records
        self.rng = random.Random(f"{name}:{seed}")
        self.pool: list[str] = []
        self.split: list[list[str]] = []
        for record in records:
            paras = _paragraphs(str(record.get("body") or ""))
            self.split.append(paras)
            self.pool.extend(paras)

    def make(self, serial: int, tag: str) -> dict[str, Any]:
        rng = self.rng
        k = rng.randrange(len(self.records))
        base, paras = self.records[k], self.split[k]
        body = [paras[0]] + [rng.choice(self.pool) for _ in range(max(0, len(paras) - 1))]
        if len(body) > 2:
            tail = body[1:]
            rng.shuffle(tail)
            body = [body[0], *tail]
        return {
            "id": f"{base.get('id', self.name)}-{tag}{serial}",
            "title": base.get("title") or "",
            "date": _shift(base.get("date"), rng.randint(-1500, 1500)),
            "source": base.get("source"),
            "body": "\n\n".join(body),
        }


def synthetic(
    real: dict[str, list[dict[str, Any]]], count: int, *, seed: int, tag: str = "x"
) -> Iterator[tuple[str, dict[str, Any]]]:
    """``count`` new articles spread over the corpora in proportion to their size."""
    total = sum(len(v) for v in real.values())
    names = list(real)
    quotas = {n: count * len(real[n]) // total for n in names}
    quotas[names[0]] += count - sum(quotas.values())
    for name in names:
        synth = Synthesizer(name, real[name], seed)
        for serial in range(quotas[name]):
            yield name, synth.make(serial, tag)


def write_scaled(size: int, out: Path, *, seed: int = 1) -> list[Path]:
    """Write a corpus of ``size`` articles (all real ones + synthetic) as .jsonl files."""
    out.mkdir(parents=True, exist_ok=True)
    real = load_real()
    handles = {n: open(out / f"{n}.jsonl", "w", encoding="utf-8") for n in real}  # noqa: SIM115
    try:
        for name, records in real.items():
            for record in records:
                handles[name].write(json.dumps(record, ensure_ascii=False) + "\n")
        extra = max(0, size - sum(len(v) for v in real.values()))
        for name, record in synthetic(real, extra, seed=seed):
            handles[name].write(json.dumps(record, ensure_ascii=False) + "\n")
    finally:
        for handle in handles.values():
            handle.close()
    return sorted(out / f"{n}.jsonl" for n in real)


def write_new(count: int, out: Path, *, seed: int, tag: str) -> Path:
    """A .jsonl of ``count`` new articles, for incremental-add measurements."""
    out.parent.mkdir(parents=True, exist_ok=True)
    real = load_real()
    with open(out, "w", encoding="utf-8") as handle:
        for _, record in synthetic(real, count, seed=seed, tag=tag):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return out


def write_files(jsonl_paths: list[Path], out: Path) -> int:
    """Every article as its own text file (title + body), for grep / ripgrep."""
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    for path in jsonl_paths:
        for record in read_records(path):
            folder = out / f"{n // 1000:04d}"
            if n % 1000 == 0:
                folder.mkdir(exist_ok=True)
            text = f"{record.get('title') or ''}\n\n{record.get('body') or ''}\n"
            (folder / f"{n:07d}.txt").write_text(text, "utf-8")
            n += 1
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    paths = write_scaled(args.size, args.out, seed=args.seed)
    print(json.dumps({"size": args.size, "files": [str(p) for p in paths]}))


if __name__ == "__main__":
    main()
