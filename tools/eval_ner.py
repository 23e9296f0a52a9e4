#!/usr/bin/env python3
"""Evaluate the entity tagger: entity-level P/R/F1 (exact span, conlleval-style).

Reports PER, ORG, LOC and micro scores on ``../shared/eval/conll2003-dev.txt``
(4-column CoNLL-2003, ``-DOCSTART-`` skipped) and on the held-out modern sets
``uner-pud`` and ``gum-test`` (2-column ``token TAG``). Gold MISC counts as ``O``.
Also reports tagging speed on one core (features + CRF decoding, pre-tokenised)
and end-to-end ``entities()`` speed on raw text (splitting + tokenising + tagging).
Prints JSON.

Usage::

    python tools/eval_ner.py [--model PATH] [--data DIR] [--sets NAME ...]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from train_ner import read_iob  # noqa: E402

try:
    from fieldbrief.search.facts.ner import LABELS, EntityTagger, spans_from_iob
except ModuleNotFoundError:  # source checkout without an install
    sys.path.insert(0, str(ROOT))
    from search.facts.ner import LABELS, EntityTagger, spans_from_iob

EVAL = ROOT.parent / "shared" / "eval"
DEFAULT_SETS = {
    "conll2003-dev": EVAL / "conll2003-dev.txt",
    "uner-pud": EVAL / "ner-train" / "uner-pud.txt",
    "gum-test": EVAL / "ner-train" / "gum-test.txt",
}
OPTIONAL_SETS = {
    "gum-dev": EVAL / "ner-train" / "gum-dev.txt",
}


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float | int]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "gold": n_gold,
        "pred": n_pred,
    }


def score(gold: list[list[str]], pred: list[list[str]]) -> dict[str, dict[str, float | int]]:
    tp = dict.fromkeys(LABELS, 0)
    n_pred = dict.fromkeys(LABELS, 0)
    n_gold = dict.fromkeys(LABELS, 0)
    for g, p in zip(gold, pred, strict=True):
        gs = set(spans_from_iob(g))
        ps = set(spans_from_iob(p))
        for t, _, _ in gs:
            n_gold[t] += 1
        for t, _, _ in ps:
            n_pred[t] += 1
        for t, _, _ in gs & ps:
            tp[t] += 1
    out = {t: _prf(tp[t], n_pred[t], n_gold[t]) for t in LABELS}
    out["micro"] = _prf(sum(tp.values()), sum(n_pred.values()), sum(n_gold.values()))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--model", type=Path, default=None, help="default: the shipped model")
    ap.add_argument(
        "--sets",
        nargs="*",
        default=list(DEFAULT_SETS),
        help=f"any of {sorted(DEFAULT_SETS) + sorted(OPTIONAL_SETS)}",
    )
    ap.add_argument("--no-speed", action="store_true")
    args = ap.parse_args(argv)

    tagger = EntityTagger.load(args.model)
    result: dict[str, object] = {"model": str(tagger.path), "bytes": tagger.path.stat().st_size}
    all_paths = {**DEFAULT_SETS, **OPTIONAL_SETS}
    for name in args.sets:
        data = list(read_iob(all_paths[name]))
        gold = [labs for _, labs in data]
        pred = [tagger.tag(toks) for toks, _ in data]
        result[name] = score(gold, pred)

    if not args.no_speed:
        data = list(read_iob(DEFAULT_SETS["conll2003-dev"]))
        sents = [toks for toks, _ in data]
        n_tok = sum(map(len, sents))
        # CPU time of this process: a one-core figure even on a busy machine.
        t0 = time.process_time()
        for s in sents:
            tagger.tag(s)
        dt = time.process_time() - t0
        speed: dict[str, object] = {
            "tag_sentences_per_s": round(len(sents) / dt),
            "tag_tokens_per_s": round(n_tok / dt),
            "tag_corpus": "conll2003-dev (pre-tokenised, warm word cache)",
            "clock": "process CPU time, one thread",
        }
        seeds = sorted((ROOT / "seeds").glob("*.txt"))
        if seeds:
            from importlib import import_module

            tok_mod = import_module(EntityTagger.__module__.rsplit(".", 1)[0] + ".tokenize")
            text = "\n\n".join(p.read_text(encoding="utf-8") for p in seeds)
            spans = tok_mod.sentences(text)
            reps = max(1, 5000 // max(1, len(spans)))
            t0 = time.process_time()
            for _ in range(reps):
                tagger.entities(text)
            dt = time.process_time() - t0
            speed["entities_sentences_per_s"] = round(reps * len(spans) / dt)
            speed["entities_corpus"] = f"seeds/*.txt x{reps} (split + tokenise + tag)"
        result["speed"] = speed
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
