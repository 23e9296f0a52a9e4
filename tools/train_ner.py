#!/usr/bin/env python3
"""Train the shipped PER/ORG/LOC entity tagger (``search/data/ner.crfsuite``).

Reproducible: the same data, features and parameters give the same model.

Training data (all from ``--data``, default ``../shared/eval/ner-train``):

* ``conll2003-train`` (Reuters RCV1, CoNLL-2003 English train; research-use text,
  model distributed like other CoNLL-03 taggers; see the model card);
* permissive sets: ``uner-ewt-{train,dev,test}``, ``gum-train``, ``wikigold``,
  ``btc-{train,dev,test}`` and, with ``--wnut``, ``wnut17-{train,dev,test}``.

Held out (never trained on): ``uner-pud`` and ``gum-test`` (reported as modern
news), ``gum-dev`` (tuning), ``../conll2003-dev.txt`` (reported) and everything in
``not-cleared/``. MISC is mapped to ``O``.

Usage::

    python tools/train_ner.py [--data DIR] [--out search/data/ner.crfsuite]
                              [--iterations 150] [--c1 0.1] [--c2 0.01]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

try:
    from fieldbrief.search.facts.ner import LABELS, sentence_features
except ModuleNotFoundError:  # source checkout without an install
    sys.path.insert(0, str(ROOT))
    from search.facts.ner import LABELS, sentence_features

DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "ner-train"

CORE_SETS = [
    "conll2003-train",
    "uner-ewt-train",
    "uner-ewt-dev",
    "uner-ewt-test",
    "gum-train",
    "wikigold",
    "btc-train",
    "btc-dev",
    "btc-test",
]
WNUT_SETS = ["wnut17-train", "wnut17-dev", "wnut17-test"]
# Never train on these: they are reported or used for tuning.
HELD_OUT = {"uner-pud", "gum-test", "gum-dev", "conll2003-dev"}

_KEEP = frozenset(LABELS)


def read_iob(path: Path) -> Iterator[tuple[list[str], list[str]]]:
    """Sentences of ``token [...] TAG`` files as (tokens, IOB2 labels); MISC -> O.

    Handles both the 2-column ``token TAG`` files and the 4-column CoNLL-2003 files
    (``token POS chunk NE``, ``-DOCSTART-`` lines). Labels are repaired to valid
    IOB2 after the mapping (an ``I-`` that does not continue its type becomes ``B-``).
    """
    toks: list[str] = []
    labs: list[str] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip():
                if toks:
                    yield toks, labs
                    toks, labs = [], []
                continue
            parts = line.split(" ")
            if parts[0] == "-DOCSTART-":
                continue
            tag = parts[-1]
            typ = tag[2:] if tag[:2] in ("B-", "I-") else ""
            if typ not in _KEEP:
                tag = "O"
            elif tag[0] == "I" and (not labs or labs[-1][2:] != typ):
                tag = "B-" + typ
            toks.append(parts[0])
            labs.append(tag)
    if toks:
        yield toks, labs


def main(argv: list[str] | None = None) -> int:
    import pycrfsuite

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=ROOT / "search" / "data" / "ner.crfsuite")
    ap.add_argument("--iterations", type=int, default=150)
    ap.add_argument("--c1", type=float, default=0.1)
    ap.add_argument("--c2", type=float, default=0.01)
    ap.add_argument("--minfreq", type=float, default=1.0)
    ap.add_argument("--wnut", action="store_true", help="also train on WNUT17")
    ap.add_argument("--no-conll", action="store_true", help="permissive sets only")
    ap.add_argument(
        "--conll-copies", type=int, default=1, help="append conll2003-train this many times"
    )
    ap.add_argument("--sets", nargs="*", help="override the list of training sets")
    args = ap.parse_args(argv)

    sets = args.sets or (CORE_SETS + (WNUT_SETS if args.wnut else []))
    if args.no_conll:
        sets = [s for s in sets if not s.startswith("conll")]
    bad = HELD_OUT.intersection(sets)
    if bad:
        ap.error(f"refusing to train on held-out sets: {sorted(bad)}")

    trainer = pycrfsuite.Trainer(verbose=True)
    counts: dict[str, dict[str, int]] = {}
    t0 = time.time()
    for name in sets:
        path = args.data / f"{name}.txt"
        n_s = n_t = 0
        copies = args.conll_copies if name.startswith("conll") else 1
        for toks, labs in read_iob(path):
            feats = sentence_features(toks)
            for _ in range(copies):
                trainer.append(feats, labs)
            n_s += 1
            n_t += len(toks)
        counts[name] = {"sentences": n_s, "tokens": n_t}
        print(f"{name}: {n_s} sentences, {n_t} tokens", file=sys.stderr, flush=True)
    print(f"features built in {time.time() - t0:.0f}s", file=sys.stderr, flush=True)

    trainer.set_params(
        {
            "c1": args.c1,
            "c2": args.c2,
            "max_iterations": args.iterations,
            "feature.possible_transitions": True,
            "feature.minfreq": args.minfreq,
        }
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    trainer.train(str(tmp))
    tmp.replace(args.out)
    info = {
        "out": str(args.out),
        "bytes": args.out.stat().st_size,
        "params": {
            "c1": args.c1,
            "c2": args.c2,
            "iterations": args.iterations,
            "minfreq": args.minfreq,
            "conll_copies": args.conll_copies,
        },
        "sets": counts,
        "seconds": round(time.time() - t0),
    }
    print(json.dumps(info, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
